import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { augmentBatch, batches, mixup, normalizationParams, normalize, type Batch, type ImageCache } from '../data/index.ts';
import { buildModel, isBackboneLayer, modelCost, SeededDropout } from '../models/index.ts';
import {
  clipByGlobalNorm,
  createOptimizer,
  GradientAccumulator,
  lrRangeTest,
  type LrRangeTestOptions,
  type LrRangeTestResult,
  type Optimizer,
} from '../optim/index.ts';
import { createSchedule, type LrSchedule } from '../optim/schedules/index.ts';
import { modelConvention, modelSemantics, type RunSpec } from '../spec/runSpec.ts';
import type { WeightLoadReport } from '../pretrained/importNamedWeights.ts';
import { importFaceApiWeights } from '../pretrained/importFaceApiWeights.ts';
import { importTorchWeights } from '../pretrained/importTorchWeights.ts';
import type { TfjsWeight } from '../pretrained/tfjsWeightsManifest.ts';
import type { SafetensorsFile } from '../pretrained/safetensors.ts';
import type { WeightNaming } from '../pretrained/torchModuleNames.ts';
import { frozenPart, type FrozenPart } from './frozenPart.ts';
import { Rng } from '../util/rng.ts';
import { stableHash } from '../util/stableHash.ts';
import type { Callback } from './callback.ts';
import type { Checkpoint, StoredTensor } from './checkpoint.ts';
import { createObjective, trainingIdentityRows, type Objective, type ObjectiveBatch } from './createObjective.ts';
import { EarlyStopping, type MonitorState } from './earlyStopping.ts';
import { epochPlan, type EpochPlan } from './epochPlan.ts';
import { evaluateSplit } from './evaluateSplit.ts';
import type { CheckpointKind, EndReason, MemoryFigures, TrainEndEvent, TrainEvent } from './trainEvent.ts';
import { readVariables, readWeights, writeVariables, writeWeights } from './weightTransfer.ts';

export interface TrainingData {
  cache: ImageCache;
  split: { train: number[]; val: number[]; test: number[] };
}

export interface TrainerOptions {
  spec: RunSpec;
  data: TrainingData;
  /** Name of the active tfjs backend, reported in events. */
  backend: string;
  callbacks?: Callback[];
  onEvent?: (event: TrainEvent) => void;
  /** Persists a checkpoint (run directory, IndexedDB, companion store). */
  saveCheckpoint?: (checkpoint: Checkpoint, kind: CheckpointKind) => Promise<void>;
  /** Continue from here instead of starting fresh. */
  resume?: Checkpoint;
  /**
   * Weights to start from (spec.model.initialWeights, loaded by the host): the studio's own
   * (matched by name and shape), a PyTorch state_dict mapped by the architecture's names, or
   * face-api.js' face recognition weights (faceRecognitionNet).
   */
  initialWeights?: StoredTensor[] | { safetensors: SafetensorsFile; naming: WeightNaming } | { faceApi: ReadonlyMap<string, TfjsWeight> };
  /** Clock in ms; injectable so tests can pin timing figures. */
  now?: () => number;
  /**
   * With the backbone frozen whole and no augmentation, compute the frozen part's outputs
   * once per training image and train the rest on them (the same numbers, a fraction of the
   * time). Default true; false runs every step through the whole model.
   */
  frozenFeatures?: boolean;
}

class StopSignal {
  constructor(readonly reason: EndReason, readonly message: string) {}
}

/** Per-window sums kept on the device so the hot loop never waits on a read-back. */
interface WindowSums {
  loss: tf.Scalar;
  correct: tf.Scalar;
  parts: Record<string, tf.Scalar>;
  samples: number;
  updates: number;
  started: number;
}

/**
 * The training loop shared by every host. It owns the model, the objective, the
 * optimizer and the schedule for one run; hosts feed it data and persist what it emits.
 */
export class Trainer {
  readonly model: tfl.LayersModel;
  readonly specHash: string;
  /** What the PyTorch weights the run started from filled, and what they left fresh. */
  initialWeightsReport?: WeightLoadReport;
  /** The frozen part and its outputs for every training image, when the run trains on cached features. */
  private features?: { part: FrozenPart; values: tf.Tensor[]; rowOf: Map<number, number> };
  private readonly objective: Objective;
  private readonly optimizer: Optimizer;
  private readonly schedule: LrSchedule;
  private readonly rng: Rng;
  private readonly variables: tf.Variable[];
  private readonly earlyStopping?: EarlyStopping;
  private readonly bestTracker: EarlyStopping;
  private readonly stepsPerEpoch: number;
  private readonly now: () => number;
  private epoch = 0;
  private step = 0;
  /** Whether the blocks `frozenLayers` froze train now (`model.unfreezeAfterEpochs` has passed). */
  private unfrozen = false;
  private bestWeights?: StoredTensor[];
  private pauseGate?: { promise: Promise<void>; release: () => void };
  private pausedAck?: () => void;
  private stopRequest?: StopSignal;

  constructor(private readonly options: TrainerOptions) {
    const { spec, data } = options;
    this.now = options.now ?? (() => Date.now());
    this.specHash = stableHash(spec);
    if (data.split.train.length === 0) throw new Error('the training split is empty: add images or change data.split');
    const numClasses = data.cache.classNames.length;
    if (numClasses < 2 && spec.task.kind !== 'detection') {
      throw new Error(`training needs at least 2 classes, the data has ${numClasses}`);
    }
    if (spec.task.kind === 'embedding' && data.split.val.length > 0) {
      const identities = new Set(data.split.val.map((i) => data.cache.labels[i])).size;
      if (identities < 2) {
        throw new Error(
          `the validation split holds ${identities} identity: verification needs at least 2 (add identities or raise data.split.val)`,
        );
      }
    }
    this.rng = new Rng(spec.training.seed);
    const modelSeed = new Rng(spec.training.seed ^ 0x5eed).seed();
    this.model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses, seed: modelSeed, convention: modelConvention(spec), freezing: modelSemantics(spec) });
    this.objective = createObjective(spec, numClasses, modelSeed + 1, this.marginRows(numClasses));
    this.variables = [...this.model.trainableWeights.map((w) => w.read() as tf.Variable), ...this.objective.variables];
    const factor = spec.optimizer.backboneLrFactor ?? 1;
    const modelScales = this.model.trainableWeights.map((w) => (isBackboneLayer(this.model, w.originalName.split('/')[0]) ? factor : 1));
    this.optimizer = createOptimizer(spec.optimizer, this.variables, [...modelScales, ...this.objective.variables.map(() => 1)]);
    this.stepsPerEpoch = this.plan().stepsPerEpoch;
    this.schedule = createSchedule(spec.schedule, {
      stepsPerEpoch: this.stepsPerEpoch,
      epochs: spec.training.epochs,
      baseLr: spec.optimizer.lr,
    });
    const es = spec.training.earlyStopping;
    if (es) this.earlyStopping = new EarlyStopping(es);
    const ck = spec.training.checkpoint;
    this.bestTracker = new EarlyStopping({ monitor: ck.monitor, mode: ck.mode, patience: Infinity, minDelta: 0 });
    try {
      const initial = options.initialWeights;
      if (Array.isArray(initial)) writeWeights(this.model, initial, 'matching');
      else if (initial && 'faceApi' in initial) this.initialWeightsReport = importFaceApiWeights(this.model, initial.faceApi);
      else if (initial) this.initialWeightsReport = importTorchWeights(this.model, initial.safetensors, { architecture: spec.model.architecture, naming: initial.naming });
      if (options.resume) {
        // A checkpoint from the unfreeze on holds optimizer slots for the backbone too.
        this.unfreezeIfDue(options.resume.epoch);
        this.restore(options.resume);
      }
    } catch (e) {
      // A checkpoint from another spec or class list is refused here; the caller never
      // gets a Trainer to dispose, so the weights built above are released now.
      this.dispose();
      throw e;
    }
  }

  private plan(): EpochPlan {
    return epochPlan(this.options.data.split.train.length, this.options.spec.training);
  }

  get totalSteps(): number {
    return this.stepsPerEpoch * this.options.spec.training.epochs;
  }

  get stepsInEpoch(): number {
    return this.stepsPerEpoch;
  }

  /** Pauses at the next batch boundary; resolves once the loop is actually waiting. */
  pause(): Promise<void> {
    if (this.pauseGate) return Promise.resolve();
    let release = () => {};
    const promise = new Promise<void>((r) => (release = r));
    this.pauseGate = { promise, release };
    return new Promise((ack) => (this.pausedAck = ack));
  }

  resume(): void {
    const gate = this.pauseGate;
    this.pauseGate = undefined;
    this.pausedAck = undefined;
    gate?.release();
  }

  /** Stops at the next batch boundary; fit() then resolves with reason "stopped". */
  stop(message = 'stopped by the user'): void {
    this.stopRequest = new StopSignal('stopped', message);
    this.resume();
  }

  private async checkpointGate(): Promise<void> {
    if (this.pauseGate) {
      this.pausedAck?.();
      await this.pauseGate.promise;
    }
    if (this.stopRequest) throw this.stopRequest;
  }

  private emit(event: TrainEvent): void {
    this.options.onEvent?.(event);
  }

  private async callbacks<K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> {
    for (const cb of this.options.callbacks ?? []) {
      const fn = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (fn) await fn.apply(cb, args);
    }
  }

  private memory(): MemoryFigures {
    const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    return { numTensors: m.numTensors, numBytes: m.numBytes, ...(m.numBytesInGPU !== undefined ? { numBytesInGPU: m.numBytesInGPU } : {}) };
  }

  /** Runs the remaining epochs. Always resolves (errors become a trainEnd event with reason "error"). */
  async fit(): Promise<TrainEndEvent> {
    const { spec, data } = this.options;
    let cacheError: string | undefined;
    try {
      await this.cacheFrozenFeatures();
    } catch (err) {
      // Too little memory for the cache is no reason to stop: the whole-model path still trains.
      cacheError = err instanceof Error ? err.message : String(err);
    }
    const begin = {
      type: 'trainBegin' as const,
      specHash: this.specHash,
      backend: this.options.backend,
      epochs: spec.training.epochs,
      stepsPerEpoch: this.stepsPerEpoch,
      totalSteps: this.totalSteps,
      startEpoch: this.epoch,
      startStep: this.step,
      trainSamples: data.split.train.length,
      valSamples: data.split.val.length,
      classNames: data.cache.classNames,
      params: modelCost(this.model).params,
      ...(this.features ? { cachedFeatures: this.features.part.valuesPerImage } : {}),
      ...(cacheError ? { cachedFeaturesError: cacheError } : {}),
      ...(spec.model.unfreezeAfterEpochs !== undefined && !this.unfrozen ? { unfreezeAfterEpochs: spec.model.unfreezeAfterEpochs } : {}),
      time: this.now(),
    };
    this.emit(begin);
    await this.callbacks('onTrainBegin', begin);
    let reason: EndReason = 'completed';
    let message = `trained ${spec.training.epochs} epochs`;
    try {
      while (this.epoch < spec.training.epochs) {
        const stopAfter = await this.runEpoch();
        this.epoch++;
        if (stopAfter) {
          reason = 'earlyStopped';
          message = stopAfter;
          break;
        }
      }
    } catch (err) {
      if (err instanceof StopSignal) {
        reason = err.reason;
        message = err.message;
      } else {
        reason = 'error';
        message = err instanceof Error ? err.message : String(err);
      }
    }
    if (reason === 'earlyStopped' && this.bestWeights && spec.training.earlyStopping?.restoreBestWeights) {
      writeWeights(this.model, this.bestWeights, 'exact');
      message += `; restored the weights of epoch ${(this.earlyStopping?.best?.epoch ?? 0) + 1}`;
    }
    // A run that failed or diverged has no weights worth keeping; the last good checkpoint stands.
    if ((reason === 'completed' || reason === 'earlyStopped' || reason === 'stopped') && this.options.saveCheckpoint) {
      const kind: CheckpointKind = reason === 'stopped' ? 'interrupted' : 'final';
      await this.options.saveCheckpoint(await this.snapshot(), kind);
      const ev = { type: 'checkpoint' as const, epoch: this.epoch, step: this.step, kind, time: this.now() };
      this.emit(ev);
      await this.callbacks('onCheckpoint', ev);
    }
    const best = this.bestTracker.best;
    const end: TrainEndEvent = {
      type: 'trainEnd',
      reason,
      message,
      epochsRun: this.epoch,
      step: this.step,
      ...(best ? { best: { epoch: best.epoch, monitor: this.bestTracker.monitor, value: best.value } } : {}),
      time: this.now(),
    };
    this.emit(end);
    await this.callbacks('onTrainEnd', end);
    return end;
  }

  private newWindow(): WindowSums {
    return { loss: tf.scalar(0), correct: tf.scalar(0), parts: {}, samples: 0, updates: 0, started: this.now() };
  }

  private disposeWindow(w: WindowSums): void {
    tf.dispose([w.loss, w.correct, ...Object.values(w.parts)]);
  }

  /** Reads a window back (one GPU sync) and turns it into means. */
  private async readWindow(w: WindowSums): Promise<{ loss: number; metrics: Record<string, number> }> {
    const names = Object.keys(w.parts);
    const values = await Promise.all([w.loss.data(), w.correct.data(), ...names.map((n) => w.parts[n].data())]);
    const n = Math.max(w.samples, 1);
    const loss = values[0][0] / n;
    const metrics: Record<string, number> = { acc: values[1][0] / n };
    names.forEach((name, i) => (metrics[name] = values[i + 2][0] / n));
    return { loss, metrics };
  }

  private assertFinite(loss: number, lr: number): void {
    if (!Number.isFinite(loss)) {
      throw new StopSignal(
        'nonFiniteLoss',
        `the loss became ${loss} at epoch ${this.epoch + 1}, step ${this.step} (lr ${lr.toPrecision(3)}); ` +
          'lower the learning rate or turn on gradient clipping. The last saved checkpoint still stands.',
      );
    }
  }

  private prepareBatch(batch: Batch, training: boolean): ObjectiveBatch {
    const { spec, data } = this.options;
    const numClasses = data.cache.classNames.length;
    return tf.tidy(() => {
      let x: tf.Tensor4D = batch.x;
      // Geometric augmentation moves the boxes in place, so they are read after it.
      if (training) x = augmentBatch(x, spec.data.augmentation, this.rng, batch.boxes);
      const { labels, boxes } = this.targets(batch);
      let soft: tf.Tensor2D | undefined;
      const mix = spec.data.augmentation.mixup;
      if (training && mix) {
        const mixed = mixup(x, tf.oneHot(labels, numClasses) as tf.Tensor2D, mix.alpha, mix.p, this.rng);
        x = mixed.x;
        soft = mixed.y;
      }
      x = normalize(x, normalizationParams(spec.data.normalization, spec.data.channels));
      return { x, labels, ...(soft ? { soft } : {}), ...(boxes ? { boxes } : {}) };
    });
  }

  /** A batch's labels (and boxes) as tensors: all a step on cached features needs of it (its images stay as they are, unused). */
  private targets(batch: Batch): Omit<ObjectiveBatch, 'soft'> {
    const labels = tf.tensor1d(batch.labels, 'int32');
    const boxes = batch.boxes ? tf.tensor2d(batch.boxes, [batch.labels.length, 4]) : undefined;
    return { x: batch.x, labels, ...(boxes ? { boxes } : {}) };
  }

  /**
   * Once `model.unfreezeAfterEpochs` epochs are complete, the frozen blocks train too (fastai's
   * fine_tune): their weights join the optimizer at lr × backboneLrFactor with fresh state,
   * their batch norms leave inference mode, and cached features (computed by those blocks)
   * are dropped.
   */
  private unfreezeIfDue(epochsDone: number): void {
    const after = this.options.spec.model.unfreezeAfterEpochs;
    if (after === undefined || this.unfrozen || epochsDone < after) return;
    this.unfrozen = true;
    for (const layer of this.model.layers) if (isBackboneLayer(this.model, layer.name)) layer.trainable = true;
    const held = new Set(this.variables.map((v) => v.name));
    const joining = this.model.trainableWeights.map((w) => w.read() as tf.Variable).filter((v) => !held.has(v.name));
    this.variables.push(...joining);
    this.optimizer.addVariables(joining, joining.map(() => this.options.spec.optimizer.backboneLrFactor ?? 1));
    if (this.features) {
      tf.dispose(this.features.values);
      this.features = undefined;
    }
  }

  /**
   * Whether this run trains on cached features: the backbone frozen whole (its batch norms
   * on their running statistics) and nothing that changes an image between epochs.
   */
  get trainsOnCachedFeatures(): boolean {
    return this.features !== undefined;
  }

  /** Runs the frozen part once over the training images, when the run qualifies (see `frozenFeatures`). */
  private async cacheFrozenFeatures(): Promise<void> {
    const { spec, data } = this.options;
    const aug = spec.data.augmentation;
    const augmented = aug.flip || aug.rotation || aug.randomResizedCrop || aug.colorJitter || aug.mixup;
    if (this.features || this.options.frozenFeatures === false || augmented || this.epoch >= spec.training.epochs) return;
    const part = frozenPart(this.model, (name) => isBackboneLayer(this.model, name));
    if (!part) return;
    const chunks: tf.Tensor[][] = [];
    const rowOf = new Map<number, number>();
    // Validation images too: each epoch's validation then costs the head only.
    const images = [...data.split.train, ...data.split.val];
    for await (const batch of batches(data.cache, images, { batchSize: spec.training.batchSize, shuffle: false, rng: this.rng })) {
      const input = this.prepareBatch(batch, false);
      const out = part.trunk.predict(input.x) as tf.Tensor | tf.Tensor[];
      chunks.push(Array.isArray(out) ? out : [out]);
      batch.indices.forEach((i) => rowOf.set(i, rowOf.size));
      tf.dispose([batch.x, input.x, input.labels, ...(input.soft ? [input.soft] : []), ...(input.boxes ? [input.boxes] : [])]);
    }
    if (chunks.length === 0) return;
    const values = chunks[0].map((_, k) => tf.concat(chunks.map((c) => c[k])));
    tf.dispose(chunks.flat());
    this.features = { part, values, rowOf };
  }

  /** Loss and gradients (ordered as `variables`) of one augmented training batch; the caller disposes them. */
  private gradients(batch: Batch): { value: tf.Scalar; grads: tf.Tensor[]; correct: tf.Scalar; parts: Record<string, tf.Scalar> } {
    const features = this.features;
    // Cached features need no augmentation (there is none) and no normalized images.
    const input: ObjectiveBatch = features ? this.targets(batch) : this.prepareBatch(batch, true);
    const cached = features
      ? tf.tidy(() => {
          const rows = tf.tensor1d(batch.indices.map((i) => features.rowOf.get(i) ?? -1), 'int32');
          return features.values.map((v) => tf.gather(v, rows));
        })
      : undefined;
    let kept: { correct: tf.Scalar; parts: Record<string, tf.Scalar> } | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const outputs = cached && features ? features.part.rest(cached, true) : (this.model.apply(input.x, { training: true }) as tf.Tensor | tf.Tensor[]);
      const r = this.objective.compute(Array.isArray(outputs) && outputs.length === 1 ? outputs[0] : outputs, input);
      // variableGrads frees everything but the loss; keep what the window sums need.
      kept = {
        correct: tf.keep(r.correct),
        parts: Object.fromEntries(Object.entries(r.parts).map(([k, p]) => [k, tf.keep(p)])),
      };
      return r.total;
    }, this.variables);
    tf.dispose([input.x, input.labels, ...(input.soft ? [input.soft] : []), ...(input.boxes ? [input.boxes] : []), ...(cached ?? [])]);
    return { value, grads: this.variables.map((v) => grads[v.name]), correct: kept!.correct, parts: kept!.parts };
  }

  /**
   * LR range test on this run's training data (the "LR finder"): one update per step at a
   * growing learning rate, then every weight, optimizer slot and random state is put back,
   * so the run itself starts exactly as if the test had never happened.
   */
  async findLearningRate(options: LrRangeTestOptions = {}): Promise<LrRangeTestResult> {
    const { data, spec } = this.options;
    const saved = {
      weights: await readWeights(this.model),
      extra: await readVariables(this.objective.variables),
      optimizer: await this.optimizer.getState(),
      rng: this.rng.getState(),
      dropout: this.dropoutLayers().map((l) => l.calls),
    };
    const { dropLast } = this.plan();
    let stream: AsyncGenerator<Batch> | undefined;
    const nextBatch = async (): Promise<Batch> => {
      for (;;) {
        stream ??= batches(data.cache, data.split.train, { batchSize: spec.training.batchSize, shuffle: true, rng: this.rng, dropLast });
        const r = await stream.next();
        if (!r.done) return r.value;
        stream = undefined;
      }
    };
    try {
      return await lrRangeTest(options, async (lr) => {
        const batch = await nextBatch();
        const { value, grads, correct, parts } = this.gradients(batch);
        batch.x.dispose();
        this.optimizer.step(grads, lr);
        const loss = (await value.data())[0];
        tf.dispose([value, correct, ...grads, ...Object.values(parts)]);
        return loss;
      });
    } finally {
      await stream?.return(undefined);
      writeWeights(this.model, saved.weights, 'exact');
      writeVariables(this.objective.variables, saved.extra);
      this.optimizer.setState(saved.optimizer);
      this.rng.setState(saved.rng);
      this.dropoutLayers().forEach((l, i) => (l.calls = saved.dropout[i]));
    }
  }

  /** One epoch; returns a message when early stopping ends the run after it. */
  private async runEpoch(): Promise<string | undefined> {
    const { spec, data } = this.options;
    const t = spec.training;
    const epochStart = this.now();
    await this.callbacks('onEpochBegin', this.epoch);
    const accumulator = new GradientAccumulator();
    let window = this.newWindow();
    const epochTotals = { loss: 0, samples: 0, metrics: {} as Record<string, number> };
    let lr = this.schedule(this.step);
    const { microBatches: micro, dropLast } = this.plan();
    let microIndex = 0;
    const fold = (read: { loss: number; metrics: Record<string, number> }, samples: number) => {
      epochTotals.loss += read.loss * samples;
      epochTotals.samples += samples;
      for (const [k, v] of Object.entries(read.metrics)) epochTotals.metrics[k] = (epochTotals.metrics[k] ?? 0) + v * samples;
    };
    try {
      for await (const batch of batches(data.cache, data.split.train, {
        batchSize: t.batchSize,
        shuffle: true,
        rng: this.rng,
        dropLast,
      })) {
        try {
          await this.checkpointGate();
          if (accumulator.count === 0) await this.callbacks('onBatchBegin', this.epoch, this.step);
          lr = this.schedule(this.step);
          const size = batch.labels.length;
          const { value, grads: ordered, correct, parts } = this.gradients(batch);
          // Without accumulation the batch's own gradients are the update: no copies.
          let update: tf.Tensor[] | undefined;
          if (t.gradientAccumulation === 1) {
            update = ordered;
          } else {
            accumulator.add(ordered);
            tf.dispose(ordered);
          }
          const prev = window;
          window = {
            ...prev,
            loss: tf.tidy(() => tf.add(prev.loss, tf.mul(value, size))),
            correct: tf.tidy(() => tf.add(prev.correct, correct)),
            parts: Object.fromEntries(
              Object.entries(parts).map(([k, p]) => [k, tf.tidy(() => tf.add(prev.parts[k] ?? tf.scalar(0), tf.mul(p, size)))]),
            ),
            samples: prev.samples + size,
          };
          tf.dispose([prev.loss, prev.correct, ...Object.values(prev.parts), value, correct, ...Object.values(parts)]);
          microIndex++;
          if (!update && accumulator.count < t.gradientAccumulation && microIndex < micro) continue;
          const mean = update ?? accumulator.mean();
          accumulator.reset();
          if (t.clipNorm !== undefined) {
            const clipped = clipByGlobalNorm(mean, t.clipNorm);
            tf.dispose(mean);
            clipped.norm.dispose();
            this.optimizer.step(clipped.grads, lr);
            tf.dispose(clipped.grads);
          } else {
            this.optimizer.step(mean, lr);
            tf.dispose(mean);
          }
          this.step++;
          window.updates++;
          await this.callbacks('onBatchEnd', this.epoch, this.step);
          if (window.updates >= t.logEverySteps) {
            const read = await this.readWindow(window);
            this.assertFinite(read.loss, lr);
            fold(read, window.samples);
            const elapsed = Math.max(this.now() - window.started, 1) / 1000;
            const stepsPerSec = window.updates / elapsed;
            const ev = {
              type: 'step' as const,
              epoch: this.epoch,
              step: this.step,
              loss: read.loss,
              metrics: read.metrics,
              lr,
              samplesPerSec: window.samples / elapsed,
              etaSec: (this.totalSteps - this.step) / stepsPerSec,
              memory: this.memory(),
              time: this.now(),
            };
            this.disposeWindow(window);
            window = this.newWindow();
            this.emit(ev);
            await this.callbacks('onStep', ev);
          }
        } finally {
          batch.x.dispose();
        }
      }
      if (window.samples > 0) {
        const read = await this.readWindow(window);
        this.assertFinite(read.loss, lr);
        fold(read, window.samples);
      }
    } finally {
      this.disposeWindow(window);
      accumulator.dispose();
    }
    return this.endEpoch(epochStart, epochTotals, lr);
  }

  private async endEpoch(
    epochStart: number,
    totals: { loss: number; samples: number; metrics: Record<string, number> },
    lr: number,
  ): Promise<string | undefined> {
    const { spec, data } = this.options;
    const metrics: Record<string, number> = { loss: totals.loss / Math.max(totals.samples, 1) };
    for (const [k, v] of Object.entries(totals.metrics)) metrics[k] = v / Math.max(totals.samples, 1);
    if (data.split.val.length > 0) {
      Object.assign(
        metrics,
        await evaluateSplit({
          spec,
          model: this.model,
          objective: this.objective,
          cache: data.cache,
          indices: data.split.val,
          prefix: 'val_',
          seed: spec.training.seed,
          ...this.cachedForward(data.split.val),
        }),
      );
    }
    this.schedule.onEpochEnd?.(this.epoch, metrics);
    const duration = (this.now() - epochStart) / 1000;
    const epochsLeft = spec.training.epochs - this.epoch - 1;
    const event = {
      type: 'epoch' as const,
      epoch: this.epoch,
      step: this.step,
      metrics,
      lr,
      samplesPerSec: totals.samples / Math.max(duration, 1e-3),
      durationSec: duration,
      etaSec: epochsLeft * duration,
      memory: this.memory(),
      time: this.now(),
    };
    this.emit(event);
    await this.callbacks('onEpochEnd', event);

    let stop: string | undefined;
    if (this.earlyStopping) {
      const { improved, stop: shouldStop } = this.earlyStopping.update(this.epoch, metrics);
      if (improved && spec.training.earlyStopping?.restoreBestWeights) this.bestWeights = await readWeights(this.model);
      if (shouldStop) {
        const best = this.earlyStopping.best;
        stop = `early stopping: ${this.earlyStopping.monitor} did not improve for ${spec.training.earlyStopping?.patience} epochs (best ${best?.value.toPrecision(4)} at epoch ${(best?.epoch ?? 0) + 1})`;
      }
    }
    // Before the snapshot: a trainer that has completed E epochs is unfrozen exactly when
    // E ≥ unfreezeAfterEpochs, so a checkpoint resumes in the phase it was saved in.
    this.unfreezeIfDue(this.epoch + 1);
    const ck = spec.training.checkpoint;
    const hasMonitor = metrics[ck.monitor] !== undefined && Number.isFinite(metrics[ck.monitor]);
    const improvedBest = hasMonitor ? this.bestTracker.update(this.epoch, metrics).improved : false;
    const save = this.options.saveCheckpoint;
    if (save) {
      const periodic = ck.everyEpochs > 0 && (this.epoch + 1) % ck.everyEpochs === 0;
      const kinds: ('periodic' | 'best')[] = [];
      if (periodic) kinds.push('periodic');
      if (ck.keepBest && improvedBest) kinds.push('best');
      if (kinds.length > 0) {
        const snapshot = await this.snapshot(this.epoch + 1);
        for (const kind of kinds) {
          await save(snapshot, kind);
          const ev = { type: 'checkpoint' as const, epoch: this.epoch + 1, step: this.step, kind, time: this.now() };
          this.emit(ev);
          await this.callbacks('onCheckpoint', ev);
        }
      }
    }
    return stop;
  }

  /** Everything needed to continue from the current point (epochs completed = `epoch`). */
  async snapshot(epoch = this.epoch): Promise<Checkpoint> {
    // A checkpoint from past the unfreeze holds the backbone's optimizer slots too (a no-op in
    // this trainer's own loop, which unfreezes before it snapshots; another engine's
    // checkpoints, turned into the studio's in epoch order, need it).
    this.unfreezeIfDue(epoch);
    const best = this.bestTracker.best;
    return {
      format: 'studio-checkpoint/1',
      specHash: this.specHash,
      epoch,
      step: this.step,
      rngState: this.rng.getState(),
      weights: await readWeights(this.model),
      extraWeights: await readVariables(this.objective.variables),
      optimizer: await this.optimizer.getState(),
      scheduleState: this.schedule.getState?.(),
      dropoutCalls: this.dropoutLayers().map((l) => l.calls),
      earlyStoppingState: {
        early: this.earlyStopping?.getState(),
        best: this.bestTracker.getState(),
      },
      ...(best ? { best: { epoch: best.epoch, monitor: this.bestTracker.monitor, value: best.value } } : {}),
      classNames: this.options.data.cache.classNames,
      time: this.now(),
    };
  }

  private dropoutLayers(): SeededDropout[] {
    return this.model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
  }

  /**
   * An embedding run's margin head has a row per training identity. A checkpoint written
   * before that (a row per class, held-out identities included) resumes with the head it had.
   */
  private marginRows(numClasses: number): Int32Array | undefined {
    const { spec, data, resume } = this.options;
    if (spec.task.kind !== 'embedding') return undefined;
    const sized = trainingIdentityRows(data.cache.labels, data.split.train, numClasses);
    const stored = resume?.extraWeights[0]?.shape[1];
    if (stored !== undefined && stored === numClasses && stored !== sized.rows) return undefined;
    return sized.rowOf;
  }

  private restore(ckpt: Checkpoint): void {
    if (ckpt.specHash !== this.specHash) {
      throw new Error(`checkpoint belongs to spec ${ckpt.specHash}, this run's spec is ${this.specHash}: resume with the same spec`);
    }
    const names = this.options.data.cache.classNames;
    if (ckpt.classNames.join('\u0000') !== names.join('\u0000')) {
      throw new Error(`checkpoint was trained on classes [${ckpt.classNames.join(', ')}], the data has [${names.join(', ')}]`);
    }
    writeWeights(this.model, ckpt.weights, 'exact');
    writeVariables(this.objective.variables, ckpt.extraWeights);
    this.optimizer.setState(ckpt.optimizer);
    if (ckpt.scheduleState !== undefined) this.schedule.setState?.(ckpt.scheduleState);
    const es = ckpt.earlyStoppingState as { early?: MonitorState; best?: MonitorState } | undefined;
    if (es?.early) this.earlyStopping?.setState(es.early);
    if (es?.best) this.bestTracker.setState(es.best);
    const dropouts = this.dropoutLayers();
    ckpt.dropoutCalls?.forEach((calls, i) => {
      if (dropouts[i]) dropouts[i].calls = calls;
    });
    this.rng.setState(ckpt.rngState);
    this.epoch = ckpt.epoch;
    this.step = ckpt.step;
  }

  /** Metrics on any split of the run's data (the CLI's eval and the final test figures). */
  evaluate(indices: number[], prefix = ''): Promise<Record<string, number>> {
    const { spec, data } = this.options;
    return evaluateSplit({ spec, model: this.model, objective: this.objective, cache: data.cache, indices, prefix, seed: spec.training.seed, ...this.cachedForward(indices) });
  }

  /** The rest of the model run on cached features, for a split whose every image is cached. */
  private cachedForward(indices: number[]): { forward?: (indices: number[]) => tf.Tensor | tf.Tensor[] } {
    const features = this.features;
    if (!features || !indices.every((i) => features.rowOf.has(i))) return {};
    return {
      forward: (batchIndices) => {
        const rows = tf.tensor1d(batchIndices.map((i) => features.rowOf.get(i)!), 'int32');
        const outputs = features.part.rest(features.values.map((v) => tf.gather(v, rows)), false);
        return outputs.length === 1 ? outputs[0] : outputs;
      },
    };
  }

  dispose(): void {
    if (this.features) tf.dispose(this.features.values);
    this.optimizer.dispose();
    this.objective.dispose();
    this.model.dispose();
  }
}
