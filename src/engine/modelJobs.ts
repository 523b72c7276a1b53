import type { ImageDecoder } from '../core/data/sampleSource.ts';
import { parseLfwPairs } from '../core/evaluate/lfwPairs.ts';
import { exportModel } from '../core/export/exportModel.ts';
import { preprocessingSpec } from '../core/export/preprocessingSpec.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import { evaluateCheckpoint } from '../core/train/evaluateCheckpoint.ts';
import { modelFromCheckpoint } from '../core/train/modelFromCheckpoint.ts';
import { predictSplit } from '../core/train/evaluateSplit.ts';
import { identityCentres, Predictor } from '../core/train/predictor.ts';
import { prepareData, type PreparedData } from '../core/train/prepareData.ts';
import type { Pair } from '../core/train/verificationPairs.ts';
import type { StudioStorage } from '../storage/studioStorage.ts';
import type { CheckpointSlot, RunRecord } from '../storage/storageRecords.ts';
import { openBrowserSource } from './openBrowserSource.ts';
import type { FromEngine, PredictorInfo, ToEngine } from './protocol.ts';

type Message<T extends ToEngine['type']> = Extract<ToEngine, { type: T }>;

export interface ModelJobsOptions {
  storage: () => Promise<Pick<StudioStorage, 'datasets' | 'runs'>>;
  decoder: ImageDecoder;
  /** The backend the engine runs on, as its status strip names it. */
  backend: () => Promise<{ backend: string; adapter: string }>;
  post: (message: FromEngine) => void;
  /** A clock in ms for the latency figure. */
  now?: () => number;
}

/** The order a checkpoint is looked for when the page names none: the model the run ended with first. */
const SLOT_PREFERENCE: CheckpointSlot[] = ['final', 'best', 'last'];

interface LoadedCheckpoint {
  record: RunRecord;
  spec: RunSpec;
  slot: CheckpointSlot;
  checkpoint: Checkpoint;
}

/**
 * What the engine does with a trained model rather than a training run: evaluate a
 * checkpoint on its run's data, export it as files, and keep one model loaded for
 * single-image predictions. Each reads the checkpoint from IndexedDB itself, so the page
 * only ever sends ids.
 */
export function createModelJobs(o: ModelJobsOptions) {
  let loaded: { predictor: Predictor; info: PredictorInfo } | undefined;
  /**
   * Bumped by every Try-it load request as it arrives and by every unload: a load whose
   * ticket is no longer the newest was replaced (React StrictMode mounts the panel twice;
   * a user opens another run) and lets go at its next step instead of loading a model no
   * one will use.
   */
  let generation = 0;

  async function loadCheckpoint(runId: string, slot?: CheckpointSlot): Promise<LoadedCheckpoint> {
    const { runs } = await o.storage();
    const record = await runs.get(runId);
    if (!record) throw new Error(`there is no run with id "${runId}"; it may have been deleted`);
    const spec = parseRunSpec(record.spec);
    for (const candidate of slot ? [slot] : SLOT_PREFERENCE) {
      const checkpoint = await runs.getCheckpoint(runId, candidate);
      if (checkpoint) return { record, spec, slot: candidate, checkpoint };
    }
    const which = slot ? `"${slot}" checkpoint` : 'checkpoint';
    throw new Error(`run '${record.name}' has no ${which} yet: a run saves one at the end of its first epoch`);
  }

  async function runData(record: RunRecord, spec: RunSpec): Promise<PreparedData> {
    const { datasets } = await o.storage();
    const src = spec.data.source;
    if (src.kind === 'indexeddb' && (await datasets.get(src.datasetId)) === undefined) {
      // A run imported from a file without its dataset lands here; so does one whose dataset was deleted.
      throw new Error(
        `the dataset run '${record.name}' trained on, '${record.datasetName ?? src.datasetId}', is not in this browser, so there is nothing to evaluate it on. ` +
          'Import the run from a file that includes its dataset (Try it works without it).',
      );
    }
    try {
      return await prepareData(openBrowserSource(spec, datasets, o.decoder), spec);
    } catch (err) {
      throw new Error(`the run's data could not be loaded: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** An LFW pairs file as positions into the split: people are identities, image i is the identity's i-th file by name. */
  async function importedPairs(spec: RunSpec, data: PreparedData, indices: number[], text: string) {
    const src = spec.data.source;
    const names = new Map<string, string>();
    if (src.kind === 'indexeddb') {
      const { datasets } = await o.storage();
      for (const s of await datasets.samples(src.datasetId)) names.set(s.id, s.name);
    }
    const samples = indices.map((i) => {
      const ref = data.cache.refs[i];
      const path = names.get(ref.id) ?? ref.id;
      return { id: ref.id, identity: ref.identity ?? ref.className, fileName: path.split('/').pop() ?? path };
    });
    return parseLfwPairs(text, samples);
  }

  async function evaluate(msg: Message<'evaluate'>): Promise<void> {
    const { record, spec, slot, checkpoint } = await loadCheckpoint(msg.runId, msg.slot);
    const split = msg.split ?? 'test';
    const data = await runData(record, spec);
    try {
      let pairs: Pair[] | undefined;
      let pairProblems: string[] | undefined;
      if (msg.pairsText !== undefined) {
        if (spec.task.kind !== 'embedding') throw new Error(`a pairs file verifies embedding models; run '${record.name}' is a ${spec.task.kind} model`);
        ({ pairs, problems: pairProblems } = await importedPairs(spec, data, data.split[split], msg.pairsText));
      }
      const device = await o.backend();
      const report = await evaluateCheckpoint({
        spec,
        checkpoint,
        data,
        split,
        ...(pairs ? { pairs } : {}),
        ...(o.now ? { now: o.now } : {}),
        meta: {
          runId: record.id,
          runName: record.name,
          ...(record.datasetId !== undefined ? { datasetId: record.datasetId } : {}),
          ...(record.datasetName !== undefined ? { datasetName: record.datasetName } : {}),
          ...(record.datasetVersion !== undefined ? { datasetVersion: record.datasetVersion } : {}),
          backend: device.backend,
          adapter: device.adapter,
          slot,
        },
      });
      o.post({ type: 'evaluateResult', requestId: msg.requestId, report, ...(pairProblems?.length ? { pairProblems } : {}) });
    } finally {
      data.cache.dispose();
    }
  }

  async function exportFiles(msg: Message<'export'>): Promise<void> {
    const { spec, checkpoint } = await loadCheckpoint(msg.runId, msg.slot);
    const model = modelFromCheckpoint(spec, checkpoint);
    try {
      const files = await exportModel(model, msg.format, preprocessingSpec(spec, checkpoint.classNames));
      o.post({ type: 'exportResult', requestId: msg.requestId, files });
    } finally {
      model.dispose();
    }
  }

  /** A ticket for a Try-it load, taken when its request arrives; it supersedes every load before it. */
  function predictorTicket(): number {
    return ++generation;
  }

  async function loadPredictor(msg: Message<'loadPredictor'>, ticket: number = predictorTicket()): Promise<void> {
    const stillWanted = () => {
      if (ticket !== generation) throw new Error('a newer request replaced it before it finished loading');
    };
    stillWanted();
    loaded?.predictor.dispose();
    loaded = undefined;
    const { record, spec, slot, checkpoint } = await loadCheckpoint(msg.runId, msg.slot);
    stillWanted();
    let predictor: Predictor | undefined;
    try {
      predictor = new Predictor(spec, modelFromCheckpoint(spec, checkpoint));
      if (spec.task.kind === 'embedding') {
        // The people Try-it recognises: the test split's identities, as the evaluation saw them.
        const data = await runData(record, spec);
        try {
          stillWanted();
          const p = await predictSplit({ spec, model: predictor.model, cache: data.cache, indices: data.split.test });
          if (p.embeddings) predictor.enroll(identityCentres(p.embeddings, p.labels, data.cache.classNames));
        } finally {
          data.cache.dispose();
        }
        stillWanted();
      }
      const info: PredictorInfo = {
        runId: record.id,
        slot,
        task: spec.task.kind,
        classNames: checkpoint.classNames,
        inputSize: spec.data.imageSize,
        channels: spec.data.channels,
        enrolled: predictor.enrolledNames,
      };
      loaded = { predictor, info };
      o.post({ type: 'predictorReady', requestId: msg.requestId, info });
    } catch (err) {
      predictor?.dispose();
      throw err;
    }
  }

  function current(): { predictor: Predictor; info: PredictorInfo } {
    if (!loaded) throw new Error('no model is loaded for predictions: open Try it on a run first');
    return loaded;
  }

  async function predict(msg: Message<'predict'>): Promise<void> {
    const prediction = await current().predictor.predict(msg.image);
    o.post({ type: 'predictResult', requestId: msg.requestId, prediction });
  }

  async function enroll(msg: Message<'enroll'>): Promise<void> {
    const now = current();
    if (now.info.task !== 'embedding') throw new Error(`only embedding models enroll people; this run's model is a ${now.info.task} model`);
    const name = msg.name.trim();
    if (name === '') throw new Error('give the person a name to enroll them');
    await now.predictor.enrollImage(name, msg.image);
    now.info = { ...now.info, enrolled: now.predictor.enrolledNames };
    o.post({ type: 'predictorReady', requestId: msg.requestId, info: now.info });
  }

  /** Drops the loaded model, and abandons any load still on its way. */
  function unload(): void {
    generation++;
    loaded?.predictor.dispose();
    loaded = undefined;
  }

  /** An imported checkpoint rebuilt into its spec's model (modelFromCheckpoint, as Evaluate and Try it load it): tensors that do not fit fail here, before anything is stored. */
  async function checkCheckpoint(msg: Message<'checkCheckpoint'>): Promise<void> {
    const spec = parseRunSpec(msg.spec);
    modelFromCheckpoint(spec, unpackCheckpoint(msg.checkpoint)).dispose();
    o.post({ type: 'checkCheckpointResult', requestId: msg.requestId });
  }

  return { evaluate, exportFiles, predictorTicket, loadPredictor, predict, enroll, unload, checkCheckpoint };
}

export type ModelJobs = ReturnType<typeof createModelJobs>;
