import type { ImageDecoder } from '../core/data/sampleSource.ts';
import { buildModel } from '../core/models/buildModel.ts';
import { trainingMemory, type TrainingMemory } from '../core/models/trainingMemory.ts';
import { modelConvention, modelSemantics, parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import { createObjective } from '../core/train/createObjective.ts';
import { prepareData, type PreparedData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import type { StudioStorage } from '../storage/studioStorage.ts';
import { createModelJobs } from './modelJobs.ts';
import { openBrowserSource } from './openBrowserSource.ts';
import type { ComputeChoice, FromEngine, MemoryEstimate, ToEngine } from './protocol.ts';
import { RunSession } from './runSession.ts';
import type { ComputeSelection } from './selectComputeBackend.ts';
import { errorMessage } from './errorMessage.ts';
import { importInitialWeights, loadBrowserInitialWeights, type InitialWeightsStores } from './browserInitialWeights.ts';
import { describeWeightLoadReport } from '../core/pretrained/importNamedWeights.ts';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import type { StoredTensor } from '../core/train/checkpoint.ts';
import { writeWeights } from '../core/train/weightTransfer.ts';

export interface EngineHostOptions {
  storage: () => Promise<Pick<StudioStorage, 'datasets' | 'runs'> & Partial<Pick<StudioStorage, 'weights'>>>;
  decoder: ImageDecoder;
  /** face-api.js' face recognition weights as this host serves them (the worker: the build's assets). */
  faceApiWeights?: (file: string) => Promise<Map<string, TfjsWeight>>;
  /** Starts the backend for a compute choice (`selectComputeBackend`); rejects, saying why, when none starts. */
  selectBackend: (compute: ComputeChoice) => Promise<ComputeSelection>;
  /** Holds a lock named after the run while `work` runs, so another page can tell the run is alive. */
  lockRun?: (runId: string, work: () => Promise<void>) => Promise<void>;
  post: (message: FromEngine) => void;
  /** A clock in ms (performance.now), for the inference latency an evaluation measures. */
  now?: () => number;
}

export interface EngineHost {
  /** Acts on one message; resolves when its work is done (a run: when it ends). Never rejects: errors are posted. */
  handle(message: ToEngine): Promise<void>;
}

/**
 * What the engine is busy with: one job that loads a dataset runs at a time (a run, the
 * LR finder, an evaluation), so two never hold a dataset and a model in the GPU's memory
 * together. Exports and single-image predictions are small and go on beside them.
 */
type Job =
  | { kind: 'run'; runId: string; session?: RunSession; early: Control[] }
  | { kind: 'lrFind'; requestId: string }
  | { kind: 'model'; what: string };
type Control = 'pause' | 'resume' | 'stop';


/**
 * The engine's message switch, free of any worker global so it runs (and is tested) in
 * Node: the worker only supplies storage, an image decoder, backend selection and Web Locks.
 */
export function createEngineHost(o: EngineHostOptions): EngineHost {
  let selected: Promise<ComputeSelection> | undefined;
  let job: Job | undefined;
  const lockRun = o.lockRun ?? ((_runId, work) => work());

  function backend(): Promise<ComputeSelection> {
    if (!selected) return Promise.reject(new Error('the engine has no backend yet: the page must send "init" first'));
    return selected;
  }

  function busyWith(current: Job): string {
    if (current.kind === 'run') return `run ${current.runId} is training`;
    return current.kind === 'lrFind' ? 'the LR finder is running' : `${current.what} is running`;
  }

  const models = createModelJobs({ storage: o.storage, decoder: o.decoder, backend, post: o.post, ...(o.now ? { now: o.now } : {}) });

  /** Runs a model job and posts its failure against the request; `exclusive` jobs wait for no one and refuse when busy. */
  async function modelJob(requestId: string | undefined, what: string, exclusive: boolean, work: () => Promise<void>): Promise<void> {
    if (exclusive && job) return o.post({ type: 'error', ...(requestId ? { requestId } : {}), message: `${what} cannot start now: ${busyWith(job)}; try again when it ends` });
    const mine: Job | undefined = exclusive ? { kind: 'model', what } : undefined;
    if (mine) job = mine;
    try {
      await backend();
      await work();
    } catch (err) {
      o.post({ type: 'error', ...(requestId ? { requestId } : {}), message: `${what} failed: ${errorMessage(err)}` });
    } finally {
      if (mine && job === mine) job = undefined;
    }
  }

  /**
   * Try-it loads queue behind one another rather than refusing: a newer one supersedes the
   * one in flight (which lets go at its next step), so React StrictMode's mount, unmount,
   * mount — or a user switching runs — ends with the last model asked for loaded.
   */
  let predictorLoads: Promise<void> = Promise.resolve();
  function loadPredictor(msg: Extract<ToEngine, { type: 'loadPredictor' }>): Promise<void> {
    const ticket = models.predictorTicket();
    predictorLoads = predictorLoads.then(() => modelJob(msg.requestId, 'loading the model for Try it', true, () => models.loadPredictor(msg, ticket)));
    return predictorLoads;
  }

  async function init(compute: ComputeChoice): Promise<void> {
    if (job) return o.post({ type: 'computeRefused', reason: busyWith(job) });
    selected = o.selectBackend(compute);
    try {
      const s = await selected;
      o.post({
        type: 'ready',
        backend: s.backend,
        adapter: s.adapter,
        ...(s.limits ? { limits: s.limits } : {}),
        ...(s.passedOver.length > 0 ? { passedOver: s.passedOver } : {}),
      });
    } catch (err) {
      selected = undefined;
      o.post({ type: 'error', message: errorMessage(err) });
    }
  }

  async function train(runId: string, resume: boolean): Promise<void> {
    if (job) {
      const what = resume ? 'resumed' : 'started';
      return o.post({ type: 'error', runId, message: `run ${runId} was not ${what}: ${busyWith(job)}, and one run trains at a time` });
    }
    const current: Job = { kind: 'run', runId, early: [] };
    job = current;
    try {
      await lockRun(runId, async () => {
        const [s, { runs, datasets, weights }] = await Promise.all([backend(), o.storage()]);
        current.session = new RunSession({
          runs,
          ...(weights ? { weights } : {}),
          ...(o.faceApiWeights ? { faceApiWeights: o.faceApiWeights } : {}),
          runId,
          openSource: (spec) => openBrowserSource(spec, datasets, o.decoder),
          backend: s.backend,
          adapter: s.adapter,
          resume,
          post: o.post,
        });
        const running = current.session.run();
        // Controls that came while storage and backend were still opening apply now, in order.
        for (const verb of current.early) apply(current.session, verb);
        await running;
      });
    } catch (err) {
      o.post({ type: 'error', runId, message: `run ${runId} could not start: ${errorMessage(err)}` });
    } finally {
      job = undefined;
    }
  }

  function apply(session: RunSession, verb: Control): void {
    if (verb === 'pause') void session.pause();
    else if (verb === 'resume') session.resume();
    else session.stop();
  }

  function control(runId: string, verb: Control): void {
    if (job?.kind !== 'run' || job.runId !== runId) {
      return o.post({ type: 'error', runId, message: `run ${runId} is not training in this engine, so there is nothing to ${verb}` });
    }
    if (job.session) apply(job.session, verb);
    else job.early.push(verb);
  }

  async function lrFind(msg: Extract<ToEngine, { type: 'lrFind' }>): Promise<void> {
    const { requestId } = msg;
    if (job) return o.post({ type: 'error', requestId, message: `the LR finder cannot run now: ${busyWith(job)}; try again when it ends` });
    job = { kind: 'lrFind', requestId };
    let data: PreparedData | undefined;
    let trainer: Trainer | undefined;
    try {
      const s = await backend();
      const spec = parseRunSpec(msg.spec);
      const { datasets } = await o.storage();
      data = await prepareData(openBrowserSource(spec, datasets, o.decoder, msg.datasetId), spec);
      trainer = new Trainer({ spec, data, backend: s.backend });
      const result = await trainer.findLearningRate(msg.options ?? {});
      o.post({ type: 'lrFindResult', requestId, result });
    } catch (err) {
      o.post({ type: 'error', requestId, message: `the LR finder failed: ${errorMessage(err)}` });
    } finally {
      trainer?.dispose();
      data?.cache.dispose?.();
      job = undefined;
    }
  }

  /** Classes the model's head needs: generated data says, a stored dataset's record counts them. */
  async function classCount(spec: RunSpec): Promise<number> {
    const src = spec.data.source;
    if (src.kind === 'synthetic') return src.classes;
    if (src.kind !== 'indexeddb') {
      throw new Error(`data.source "${src.kind}" cannot be read in the browser, so its class count is unknown; estimate the spec on a stored or generated dataset`);
    }
    const dataset = await (await o.storage()).datasets.get(src.datasetId);
    if (!dataset) throw new Error(`there is no dataset with id "${src.datasetId}"; it may have been deleted`);
    return Object.keys(dataset.classCounts).length;
  }

  async function estimate(msg: Extract<ToEngine, { type: 'estimate' }>): Promise<void> {
    const { requestId } = msg;
    try {
      const s = await backend();
      const spec = parseRunSpec(msg.spec);
      const numClasses = await classCount(spec);
      const objective = createObjective(spec, numClasses, spec.training.seed);
      const extraTrainableParams = objective.variables.reduce((n, v) => n + v.size, 0);
      objective.dispose();
      const model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses, seed: spec.training.seed, convention: modelConvention(spec), freezing: modelSemantics(spec) });
      let memory: TrainingMemory;
      try {
        memory = trainingMemory(model, {
          batchSize: spec.training.batchSize,
          optimizer: spec.optimizer,
          extraTrainableParams,
          gradientAccumulation: spec.training.gradientAccumulation,
        });
      } finally {
        model.dispose();
      }
      const limits = [s.limits?.maxBufferSize, s.limits?.maxStorageBufferBindingSize].filter((n): n is number => n !== undefined);
      const estimate: MemoryEstimate = { ...memory, ...(limits.length > 0 ? { deviceLimitBytes: Math.min(...limits) } : {}) };
      o.post({ type: 'estimateResult', requestId, estimate });
    } catch (err) {
      o.post({ type: 'error', requestId, message: `the memory estimate failed: ${errorMessage(err)}` });
    }
  }

  /**
   * The draft's initial weights written into the model the run would build (its classes
   * from the dataset), to show the load report before anything trains; a file for another
   * architecture is refused with the importer's sentence. Nothing is stored.
   */
  async function checkWeights(msg: Extract<ToEngine, { type: 'checkWeights' }>): Promise<void> {
    const spec = parseRunSpec(msg.spec);
    const source = spec.model.initialWeights;
    if (!source) throw new Error('the draft names no initial weights');
    const storage = await o.storage();
    const stores: InitialWeightsStores = { runs: storage.runs, ...(storage.weights ? { weights: storage.weights } : {}), ...(o.faceApiWeights ? { faceApiWeights: o.faceApiWeights } : {}) };
    const loaded = msg.file && source.from === 'safetensors' ? { safetensors: readSafetensors(msg.file), naming: source.naming } : await loadBrowserInitialWeights(source, stores, spec.model.architecture);
    let numClasses: number | undefined;
    try {
      numClasses = await classCount(spec);
    } catch {
      // No dataset yet: the backbone is checked all the same; the head is sized for two classes.
    }
    const model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses: numClasses ?? 2, seed: spec.training.seed, convention: modelConvention(spec), freezing: modelSemantics(spec) });
    try {
      const report = importInitialWeights(model, loaded, spec.model.architecture);
      let lines: string[];
      if (report) lines = describeWeightLoadReport(report);
      else {
        // A run's checkpoint: matched by layer name and shape, as the Trainer writes it.
        const matched = writeWeights(model, loaded as StoredTensor[], 'matching');
        const fresh = [...new Set(matched.skipped.map((w) => w.split('/')[0]))];
        lines = [
          `loaded ${matched.loaded} of ${model.weights.length} weights from the run's checkpoint (matched by layer name and shape)`,
          ...(fresh.length > 0 ? [`left fresh (no weight of that name and shape in the checkpoint): ${fresh.slice(0, 6).join(', ')}${fresh.length > 6 ? `, and ${fresh.length - 6} more` : ''}`] : []),
        ];
      }
      if (numClasses === undefined) lines.push('the head is sized once a dataset is chosen');
      o.post({ type: 'checkWeightsResult', requestId: msg.requestId, lines, ...(report ? { report } : {}) });
    } finally {
      model.dispose();
    }
  }

  return {
    async handle(msg: ToEngine): Promise<void> {
      switch (msg.type) {
        case 'init':
          return init(msg.compute);
        case 'train':
          return train(msg.runId, false);
        case 'resumeRun':
          return train(msg.runId, true);
        case 'pause':
        case 'resume':
        case 'stop':
          return control(msg.runId, msg.type);
        case 'lrFind':
          return lrFind(msg);
        case 'estimate':
          return estimate(msg);
        case 'evaluate':
          return modelJob(msg.requestId, 'the evaluation', true, () => models.evaluate(msg));
        case 'loadPredictor':
          return loadPredictor(msg);
        case 'export':
          return modelJob(msg.requestId, `the ${msg.format} export`, false, () => models.exportFiles(msg));
        case 'predict':
          return modelJob(msg.requestId, 'the prediction', false, () => models.predict(msg));
        case 'enroll':
          return modelJob(msg.requestId, 'enrolling', false, () => models.enroll(msg));
        case 'unloadPredictor':
          return models.unload();
        case 'checkWeights':
          return modelJob(msg.requestId, 'checking the initial weights', false, () => checkWeights(msg));
        case 'checkCheckpoint':
          return modelJob(msg.requestId, 'checking the imported model', false, () => models.checkCheckpoint(msg));
        default: {
          const unknown: never = msg;
          o.post({ type: 'error', message: `the engine does not understand message ${JSON.stringify(unknown)}` });
        }
      }
    },
  };
}
