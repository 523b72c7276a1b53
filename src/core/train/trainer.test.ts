import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSource } from '../data/syntheticSource.ts';
import { parseRunSpec, type RunSpecInput } from '../spec/runSpec.ts';
import type { Checkpoint } from './checkpoint.ts';
import { prepareData, type PreparedData } from './prepareData.ts';
import { Trainer } from './trainer.ts';
import type { EpochEvent, StepEvent, TrainEvent } from './trainEvent.ts';
import { readWeights } from './weightTransfer.ts';
import { isBackboneLayer } from '../models/index.ts';
import { modelFromCheckpoint } from './modelFromCheckpoint.ts';

function tinySpec(overrides: Partial<RunSpecInput> = {}, training: Record<string, unknown> = {}): RunSpecInput {
  return {
    version: 1,
    data: {
      source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 20 },
      imageSize: 16,
      normalization: { preset: 'half' },
    },
    model: { architecture: 'mlp', inputSize: 16, head: { hidden: [32] } },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.003 },
    ...overrides,
    training: { epochs: 3, batchSize: 8, seed: 3, ...training },
  } as RunSpecInput;
}

async function dataFor(input: RunSpecInput): Promise<PreparedData> {
  const spec = parseRunSpec(input);
  const src = spec.data.source as { kind: 'synthetic'; generator: 'shapes' | 'faces' | 'boxes'; classes: number; perClass: number };
  return prepareData(
    syntheticSource({ generator: src.generator, classes: src.classes, perClass: src.perClass, imageSize: spec.data.imageSize, seed: 11 }),
    spec,
  );
}

async function run(input: RunSpecInput, extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}) {
  const spec = parseRunSpec(input);
  const data = await dataFor(input);
  const events: TrainEvent[] = [];
  const trainer = new Trainer({ spec, data, backend: 'cpu', onEvent: (e) => events.push(e), ...extra });
  const end = await trainer.fit();
  const weights = await readWeights(trainer.model);
  trainer.dispose();
  data.cache.dispose?.();
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  return { end, events, steps, epochs, weights };
}

describe('Trainer', () => {
  it('lowers the loss on a learnable task and reports validation metrics', async () => {
    const r = await run(tinySpec({}, { epochs: 6 }));
    expect(r.end.reason).toBe('completed');
    expect(r.epochs).toHaveLength(6);
    expect(r.epochs[5].metrics.loss).toBeLessThan(r.epochs[0].metrics.loss * 0.7);
    expect(r.epochs[5].metrics).toHaveProperty('val_loss');
    expect(r.epochs[5].metrics.val_acc).toBeGreaterThan(1 / 3);
    for (const s of r.steps) {
      expect(Number.isFinite(s.lr) && s.samplesPerSec > 0 && s.etaSec >= 0).toBe(true);
      expect(s.memory.numTensors).toBeGreaterThan(0);
    }
  });

  it('gives the same curve for the same seed, and a different one for another seed', async () => {
    const a = await run(tinySpec());
    const b = await run(tinySpec());
    const c = await run(tinySpec({}, { seed: 4 }));
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    expect(c.steps.map((s) => s.loss)).not.toEqual(a.steps.map((s) => s.loss));
  });

  it('keeps the tensor count flat across epochs', async () => {
    const before = tf.memory().numTensors;
    const r = await run(tinySpec({ data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 20 }, imageSize: 16, augmentation: { flip: { horizontal: true, p: 0.5 }, colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2 } } } } as Partial<RunSpecInput>, { epochs: 4, clipNorm: 1, gradientAccumulation: 2 }));
    const counts = r.epochs.map((e) => e.memory.numTensors);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes from a checkpoint onto the same curve as an uninterrupted run', async () => {
    // Augmentation and dropout both draw randomness that the checkpoint must carry.
    const spec = tinySpec(
      {
        data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 20 }, imageSize: 16, augmentation: { flip: { horizontal: true, p: 0.5 } } },
        model: { architecture: 'mlp', inputSize: 16, head: { hidden: [32], dropout: 0.3 } },
      } as Partial<RunSpecInput>,
      { epochs: 4 },
    );
    const full = await run(spec);
    let saved: Checkpoint | undefined;
    const parsed = parseRunSpec(spec);
    const data = await dataFor(spec);
    const first: Trainer = new Trainer({
      spec: parsed,
      data,
      backend: 'cpu',
      saveCheckpoint: async (ckpt, kind) => {
        if (kind === 'periodic' && ckpt.epoch === 2) saved = ckpt;
      },
      callbacks: [{ onEpochEnd: (e): void => (e.epoch === 1 ? first.stop('interrupted') : undefined) }],
    });
    const firstEnd = await first.fit();
    first.dispose();
    expect(firstEnd.reason).toBe('stopped');
    expect(saved?.epoch).toBe(2);
    const resumed = await run(spec, { resume: saved });
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([2, 3]);
    const fullTail = full.epochs.slice(2);
    resumed.epochs.forEach((e, i) => {
      for (const [k, v] of Object.entries(fullTail[i].metrics)) expect(e.metrics[k]).toBeCloseTo(v, 5);
    });
    resumed.weights.forEach((w, i) => {
      const ref = full.weights[i].data;
      w.data.forEach((v, j) => expect(v).toBeCloseTo(ref[j], 5));
    });
  });

  it('refuses a checkpoint of another spec and releases the model it built', async () => {
    const spec = parseRunSpec(tinySpec());
    const data = await dataFor(tinySpec());
    const foreign = { format: 'studio-checkpoint/1', specHash: 'not-this-spec', epoch: 1, step: 1, rngState: 1, weights: [], extraWeights: [], optimizer: { type: 'adam', step: 0, slots: [] }, classNames: [], time: 0 } as unknown as Checkpoint;
    const before = tf.memory().numTensors;
    expect(() => new Trainer({ spec, data, backend: 'cpu', resume: foreign })).toThrow(/checkpoint belongs to spec not-this-spec/);
    expect(tf.memory().numTensors).toBe(before);
    data.cache.dispose?.();
  });

  it('averages accumulated micro-batches into the same update as one large batch', async () => {
    // 48 training images: 3 batches of 16, or 6 micro-batches of 8 folded in pairs.
    const data = { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 16 }, imageSize: 16, split: { train: 1, val: 0, test: 0 } };
    const big = await run(tinySpec({ data } as Partial<RunSpecInput>, { epochs: 1, batchSize: 16 }));
    const accumulated = await run(tinySpec({ data } as Partial<RunSpecInput>, { epochs: 1, batchSize: 8, gradientAccumulation: 2 }));
    expect(big.end.step).toBe(3);
    // Same shuffled order: micro-batches 2k and 2k+1 are exactly large batch k.
    accumulated.weights.forEach((w, i) => {
      const ref = big.weights[i].data;
      w.data.forEach((v, j) => expect(v).toBeCloseTo(ref[j], 5));
    });
    expect(accumulated.end.step).toBe(big.end.step);
  });

  it('stops with a clear reason when the loss stops being finite', async () => {
    const r = await run(tinySpec({ optimizer: { type: 'sgd', lr: 1e12 } } as Partial<RunSpecInput>, { epochs: 3 }));
    expect(r.end.reason).toBe('nonFiniteLoss');
    expect(r.end.message).toMatch(/the loss became (NaN|Infinity|-Infinity) at epoch \d+, step \d+/);
  });

  it('stops early when the monitored metric stops improving, restoring the best weights', async () => {
    const r = await run(
      tinySpec({ optimizer: { type: 'sgd', lr: 1e-9 } } as Partial<RunSpecInput>, {
        epochs: 8,
        earlyStopping: { monitor: 'val_loss', patience: 1, minDelta: 1 },
      }),
    );
    expect(r.end.reason).toBe('earlyStopped');
    expect(r.epochs.length).toBe(2);
    expect(r.end.message).toContain('val_loss did not improve for 1 epochs');
    expect(r.end.message).toContain('restored the weights of epoch 1');
  });

  it('runs an LR range test on the run\'s data and leaves the run untouched', async () => {
    const input = tinySpec({}, { epochs: 2 });
    const plain = await run(input);
    const spec = parseRunSpec(input);
    const data = await dataFor(input);
    const losses: number[] = [];
    const trainer = new Trainer({ spec, data, backend: 'cpu', onEvent: (e) => e.type === 'step' && losses.push(e.loss) });
    const before = tf.memory().numTensors;
    const found = await trainer.findLearningRate({ startLr: 1e-5, endLr: 10, steps: 12 });
    expect(tf.memory().numTensors).toBe(before);
    expect(found.lrs[0]).toBeCloseTo(1e-5, 12);
    expect(found.losses.length).toBe(found.lrs.length);
    expect(found.suggestedLr).toBeGreaterThan(1e-5);
    expect(found.suggestedLr).toBeLessThan(10);
    // Trained after the test, the run follows the exact curve of a run that never had one.
    await trainer.fit();
    trainer.dispose();
    expect(losses).toEqual(plain.steps.map((s) => s.loss));
  });

  it('pauses at a batch boundary and resumes', async () => {
    const spec = parseRunSpec(tinySpec({}, { epochs: 2 }));
    const data = await dataFor(tinySpec());
    const steps: number[] = [];
    const trainer = new Trainer({ spec, data, backend: 'cpu', onEvent: (e) => e.type === 'step' && steps.push(e.step) });
    const done = trainer.fit();
    await trainer.pause();
    const atPause = steps.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(steps.length).toBe(atPause);
    trainer.resume();
    const end = await done;
    expect(end.reason).toBe('completed');
    expect(steps.length).toBe(trainer.totalSteps);
    trainer.dispose();
  });

  it('trains an embedding task and judges it by verification on held-out identities', async () => {
    const r = await run({
      version: 1,
      data: { source: { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }, imageSize: 16, split: { train: 0.5, val: 0.5, test: 0 } },
      model: { architecture: 'mlp', inputSize: 16, embeddingSize: 16, head: { hidden: [32] } },
      task: { kind: 'embedding' },
      loss: { type: 'arcface', scale: 16, margin: 0.2 },
      optimizer: { type: 'adamw', lr: 0.003 },
      training: { epochs: 2, batchSize: 8, checkpoint: { monitor: 'val_eer' } },
    } as RunSpecInput);
    expect(r.end.message).toBe('trained 2 epochs');
    const m = r.epochs[1].metrics;
    expect(m.val_auc).toBeGreaterThanOrEqual(0);
    expect(m.val_auc).toBeLessThanOrEqual(1);
    expect(m).toHaveProperty('val_eer');
    expect(m).not.toHaveProperty('val_loss');
  });

  it('sizes the margin head to the training identities only (issue 26: 40 rows where 28 identities trained)', async () => {
    const input = {
      version: 2,
      data: { source: { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }, imageSize: 16, split: { train: 0.5, val: 0.25, test: 0.25 } },
      model: { architecture: 'mlp', inputSize: 16, embeddingSize: 16, head: { hidden: [32] } },
      task: { kind: 'embedding' },
      loss: { type: 'cosface', scale: 16, margin: 0.2 },
      optimizer: { type: 'adam', lr: 0.003 },
      training: { epochs: 1, batchSize: 8, checkpoint: { monitor: 'val_eer' } },
    } as RunSpecInput;
    const data = await dataFor(input);
    const trainIdentities = new Set(data.split.train.map((i) => data.cache.labels[i])).size;
    expect(trainIdentities).toBeLessThan(8);
    const saved: Checkpoint[] = [];
    const trainer = new Trainer({ spec: parseRunSpec(input), data, backend: 'cpu', saveCheckpoint: async (c) => void saved.push(c) });
    const end = await trainer.fit();
    trainer.dispose();
    data.cache.dispose?.();
    expect(end.reason).toBe('completed');
    expect(saved.at(-1)!.extraWeights.map((w) => w.shape)).toEqual([[16, trainIdentities]]);
  });

  it('refuses an embedding run whose validation split cannot form impostor pairs', async () => {
    const input = {
      version: 1,
      data: { source: { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }, imageSize: 16 },
      model: { architecture: 'mlp', inputSize: 16, embeddingSize: 8 },
      task: { kind: 'embedding' },
      loss: { type: 'arcface' },
      optimizer: { type: 'adamw', lr: 0.003 },
      training: { epochs: 1, batchSize: 8 },
    } as RunSpecInput;
    const data = await dataFor(input);
    expect(() => new Trainer({ spec: parseRunSpec(input), data, backend: 'cpu' })).toThrow(
      /the validation split holds 1 identity: verification needs at least 2/,
    );
  });

  it('trains a detection task with class and box losses', async () => {
    const r = await run({
      version: 1,
      data: { source: { kind: 'synthetic', generator: 'boxes', classes: 2, perClass: 12 }, labels: 'json', imageSize: 16 },
      model: { architecture: 'smallCnn', width: 0.25, inputSize: 16 },
      task: { kind: 'detection' },
      loss: { type: 'multiTask' },
      optimizer: { type: 'adam', lr: 0.003 },
      training: { epochs: 2, batchSize: 8 },
    } as RunSpecInput);
    expect(r.end.reason).toBe('completed');
    const m = r.epochs[1].metrics;
    for (const k of ['loss', 'class_loss', 'box_loss', 'val_loss', 'val_iou', 'val_precision_iou50']) expect(m).toHaveProperty(k);
    expect(m.val_iou).toBeGreaterThanOrEqual(0);
  });
});

describe('Trainer: the head first, then the backbone (model.unfreezeAfterEpochs)', () => {
  // A small CNN with batch norms, frozen whole for one epoch, then trained whole at a tenth
  // of the lr; no augmentation, so the frozen epoch trains on cached features.
  const twoPhase = (epochs = 3): RunSpecInput =>
    ({
      version: 2,
      data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 12 }, imageSize: 16, normalization: { preset: 'half' } },
      model: { architecture: 'smallCnn', width: 0.25, inputSize: 16, frozenLayers: 3, unfreezeAfterEpochs: 1 },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy' },
      optimizer: { type: 'adamw', lr: 0.003, backboneLrFactor: 0.1 },
      training: { epochs, batchSize: 8, seed: 5, checkpoint: { everyEpochs: 1 } },
    }) as RunSpecInput;

  it('keeps the backbone (and its batch-norm statistics) untouched for the frozen epochs, then trains it', async () => {
    const input = twoPhase();
    const spec = parseRunSpec(input);
    const data = await dataFor(input);
    const after: Awaited<ReturnType<typeof readWeights>>[] = [];
    const tensors: number[] = [];
    let trainer: Trainer | undefined;
    const events: TrainEvent[] = [];
    trainer = new Trainer({
      spec,
      data,
      backend: 'cpu',
      onEvent: (e) => events.push(e),
      callbacks: [{ onEpochEnd: async () => { after.push(await readWeights(trainer!.model)); tensors.push(tf.memory().numTensors); } }],
    });
    const start = await readWeights(trainer.model);
    const model = trainer.model;
    const isBackbone = (name: string) => isBackboneLayer(model, name.split('/')[0]);
    const end = await trainer.fit();
    const backbone = start.filter((w) => isBackbone(w.name));
    const head = start.filter((w) => !isBackbone(w.name));
    trainer.dispose();
    trainer = undefined;
    data.cache.dispose?.();
    expect(end.reason).toBe('completed');
    expect(events.find((e) => e.type === 'trainBegin')).toHaveProperty('cachedFeatures');
    expect(backbone.some((w) => /moving_variance/.test(w.name))).toBe(true);
    expect(head.length).toBeGreaterThan(0);
    const changed = (epoch: number, w: (typeof start)[number]) => {
      const now = after[epoch].find((x) => x.name === w.name)!.data;
      return now.some((v, i) => v !== w.data[i]);
    };
    for (const w of backbone) expect(changed(0, w), `${w.name} after the frozen epoch`).toBe(false);
    for (const w of head) expect(changed(0, w), `${w.name} after the frozen epoch`).toBe(true);
    for (const w of backbone) expect(changed(1, w), `${w.name} after the first unfrozen epoch`).toBe(true);
    // The cached features are released at the unfreeze; from then on nothing accumulates.
    expect(tensors[2]).toBe(tensors[1]);
  });

  it('resumes across the unfreeze onto the uninterrupted run, from either phase', async () => {
    const input = twoPhase();
    const full = await run(input);
    for (const at of [1, 2]) {
      let saved: Checkpoint | undefined;
      await run(input, {
        saveCheckpoint: async (ckpt, kind) => {
          if (kind === 'periodic' && ckpt.epoch === at) saved = ckpt;
        },
      });
      // Saved from the unfreeze on: the head's state from update 0, the backbone's from the first epoch's last.
      expect([...new Set(saved?.optimizer.joined)], `checkpoint at epoch ${at}`).toEqual([0, saved!.step / at]);
      const resumed = await run(input, { resume: saved });
      expect(resumed.epochs.map((e) => e.epoch)).toEqual([at, 2].slice(0, 3 - at));
      resumed.weights.forEach((w, i) => {
        const ref = full.weights[i].data;
        w.data.forEach((v, j) => expect(v, `${w.name}[${j}] resumed at epoch ${at}`).toBeCloseTo(ref[j], 5));
      });
    }
  });

  it('leaves a final checkpoint that the frozen-built model of its spec loads (weights matched by name)', async () => {
    const input = twoPhase(2);
    let final: Checkpoint | undefined;
    const r = await run(input, { saveCheckpoint: async (ckpt, kind) => void (kind === 'final' && (final = ckpt)) });
    const model = modelFromCheckpoint(parseRunSpec(input), final!);
    const rebuilt = await readWeights(model);
    model.dispose();
    // Built frozen, the model lists the backbone after the head; the trained one, unfrozen, before it.
    expect(rebuilt.map((w) => w.name)).not.toEqual(r.weights.map((w) => w.name));
    const byName = new Map(r.weights.map((w) => [w.name, w.data]));
    for (const w of rebuilt) expect(Array.from(w.data), w.name).toEqual(Array.from(byName.get(w.name)!));
  });

  it('is refused in a spec with nothing frozen, or that ends before the unfreeze', () => {
    const base = twoPhase() as { model: Record<string, unknown>; training: Record<string, unknown> };
    expect(() => parseRunSpec({ ...base, model: { ...base.model, frozenLayers: 0 } } as RunSpecInput)).toThrow(/unfreezeAfterEpochs: nothing is frozen to unfreeze/);
    expect(() => parseRunSpec({ ...base, model: { ...base.model, unfreezeAfterEpochs: 3 } } as RunSpecInput)).toThrow(/unfreezeAfterEpochs: the run ends before it \(training.epochs is 3, got 3\)/);
  });
});
