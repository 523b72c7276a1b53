// The estimate builds a model: any process that admits jobs needs a backend to build on, the gateway too.
import '@tensorflow/tfjs-backend-cpu';
import { totalmem } from 'node:os';
import { buildModel, type BuildModelOptions } from '../core/models/buildModel.ts';
import { trainingMemory } from '../core/models/trainingMemory.ts';
import type { RunSpec, SpecProblem } from '../core/spec/runSpec.ts';

/** What one job may ask of the machine. Every limit is the operator's to set (a flag or an environment variable). */
export interface AdmissionLimits {
  /** Estimated training memory (the core's trainingMemory: weights, gradients, optimizer slots, activations), bytes. */
  trainingBytes: number;
  /** Images in the dataset (generated: classes × perClass; uploaded: the manifest's samples). */
  datasetImages: number;
  epochs: number;
  /** Optimizer steps over the whole run: epochs × steps per epoch. */
  steps: number;
  imageSize: number;
  classes: number;
  batchSize: number;
  gradientAccumulation: number;
  /** model.width, the backbone's width multiplier. */
  width: number;
  /** Units in any hidden layer of the head, and in the embedding. */
  hiddenUnits: number;
  hiddenLayers: number;
  /** Characters in the run's name (and in any other free-text field: monitors). */
  nameLength: number;
}

/** One limit as the operator sets it: its flag, its environment variable, its default on this machine, its unit. */
export interface AdmissionLimitFlag {
  key: keyof AdmissionLimits;
  flag: string;
  env: string;
  describe: string;
}

export const ADMISSION_LIMIT_FLAGS: AdmissionLimitFlag[] = [
  { key: 'trainingBytes', flag: 'max-train-memory', env: 'STUDIO_COMPANION_MAX_TRAIN_MEMORY', describe: 'estimated training memory in bytes (half the RAM)' },
  { key: 'datasetImages', flag: 'max-images', env: 'STUDIO_COMPANION_MAX_IMAGES', describe: 'images in a dataset' },
  { key: 'epochs', flag: 'max-epochs', env: 'STUDIO_COMPANION_MAX_EPOCHS', describe: 'epochs' },
  { key: 'steps', flag: 'max-steps', env: 'STUDIO_COMPANION_MAX_STEPS', describe: 'epochs × steps per epoch' },
  { key: 'imageSize', flag: 'max-image-size', env: 'STUDIO_COMPANION_MAX_IMAGE_SIZE', describe: 'data.imageSize in pixels' },
  { key: 'classes', flag: 'max-classes', env: 'STUDIO_COMPANION_MAX_CLASSES', describe: 'classes' },
  { key: 'batchSize', flag: 'max-batch', env: 'STUDIO_COMPANION_MAX_BATCH', describe: 'training.batchSize' },
  { key: 'gradientAccumulation', flag: 'max-accumulation', env: 'STUDIO_COMPANION_MAX_ACCUMULATION', describe: 'training.gradientAccumulation' },
  { key: 'width', flag: 'max-width', env: 'STUDIO_COMPANION_MAX_WIDTH', describe: 'model.width' },
  { key: 'hiddenUnits', flag: 'max-hidden', env: 'STUDIO_COMPANION_MAX_HIDDEN', describe: 'units in a hidden layer or the embedding' },
  { key: 'hiddenLayers', flag: 'max-hidden-layers', env: 'STUDIO_COMPANION_MAX_HIDDEN_LAYERS', describe: 'hidden layers in the head' },
  { key: 'nameLength', flag: 'max-name', env: 'STUDIO_COMPANION_MAX_NAME', describe: 'characters in the run name' },
];

/**
 * Defaults that fit the machine: the memory estimate may take half its RAM (the process,
 * the data cache and the kernels' workspaces need the rest); the others are far beyond
 * any seed workflow (ImageNet-1k at 224 px, 90 epochs, fits) and far below what stalls a
 * server (a billion images, a 100 000-pixel image).
 */
export function defaultAdmissionLimits(totalMemoryBytes = totalmem()): AdmissionLimits {
  return {
    trainingBytes: Math.floor(totalMemoryBytes / 2),
    datasetImages: 2_000_000,
    epochs: 10_000,
    steps: 10_000_000,
    imageSize: 1024,
    classes: 100_000,
    batchSize: 4096,
    gradientAccumulation: 1024,
    width: 2,
    hiddenUnits: 65_536,
    hiddenLayers: 16,
    nameLength: 256,
  };
}

/**
 * The limits from flags (`--max-epochs 500`) and the environment, over the defaults;
 * throws naming the flag when a value is not a positive number.
 */
export function admissionLimitsFrom(flags: Record<string, string | undefined>, env: Record<string, string | undefined>, defaults = defaultAdmissionLimits()): AdmissionLimits {
  const limits = { ...defaults };
  for (const f of ADMISSION_LIMIT_FLAGS) {
    const [from, text] = flags[f.flag] !== undefined ? [`--${f.flag}`, flags[f.flag]] : env[f.env] !== undefined && env[f.env] !== '' ? [f.env, env[f.env]] : [];
    if (text === undefined) continue;
    const value = Number(text);
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`${from} must be a positive number (${f.describe}); got "${text}"`);
    limits[f.key] = value;
  }
  return limits;
}

/** What the companion knows of a job's data before it runs. */
export interface DatasetFacts {
  images: number;
  classes: number;
}

const over = (path: string, value: number, limit: number, key: keyof AdmissionLimits): SpecProblem => {
  const flag = ADMISSION_LIMIT_FLAGS.find((f) => f.key === key)?.flag;
  return { path, message: `is ${value}; this companion takes at most ${limit} (${flag ? `--${flag}` : key})` };
};

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * Why a validated spec is over this companion's limits (an empty list when it is within
 * them). The cheap limits come first; only a spec within every one of them is built to
 * estimate its training memory, so no spec can make the estimate itself exhaust the server.
 */
export function admissionProblems(spec: RunSpec, data: DatasetFacts, limits: AdmissionLimits): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (path: string, value: number, key: keyof AdmissionLimits) => {
    if (value > limits[key]) problems.push(over(path, value, limits[key], key));
  };
  const src = spec.data.source;
  const datasetPath = src.kind === 'synthetic' ? 'data.source.perClass' : 'data.source';
  check('name', spec.name.length, 'nameLength');
  for (const [path, text] of [
    ['schedule.monitor', 'monitor' in spec.schedule ? spec.schedule.monitor : ''],
    ['training.checkpoint.monitor', spec.training.checkpoint.monitor],
    ['training.earlyStopping.monitor', spec.training.earlyStopping?.monitor ?? ''],
  ] as const) {
    check(path, text.length, 'nameLength');
  }
  check(src.kind === 'synthetic' ? 'data.source.classes' : 'data.source', data.classes, 'classes');
  check(datasetPath, data.images, 'datasetImages');
  check('data.imageSize', spec.data.imageSize, 'imageSize');
  check('model.width', spec.model.width, 'width');
  check('model.head.hidden', spec.model.head.hidden.length, 'hiddenLayers');
  spec.model.head.hidden.forEach((units, i) => check(`model.head.hidden.${i}`, units, 'hiddenUnits'));
  if (spec.model.embeddingSize !== undefined) check('model.embeddingSize', spec.model.embeddingSize, 'hiddenUnits');
  check('training.epochs', spec.training.epochs, 'epochs');
  check('training.batchSize', spec.training.batchSize, 'batchSize');
  check('training.gradientAccumulation', spec.training.gradientAccumulation, 'gradientAccumulation');
  const stepsPerEpoch = Math.max(1, Math.ceil((data.images * spec.data.split.train) / spec.training.batchSize));
  const steps = spec.training.epochs * stepsPerEpoch;
  if (steps > limits.steps) {
    problems.push({ path: 'training.epochs', message: `× ${stepsPerEpoch} steps per epoch is ${steps} steps; this companion takes at most ${limits.steps} (--max-steps)` });
  }
  if (problems.length > 0) return problems;

  // Building the model allocates its weights: a head whose dense layers alone are over the
  // limit (counted from below, without the backbone) is refused before it is built.
  const opt = spec.optimizer;
  const bytesPerParam = opt.type === 'sgd' ? (opt.momentum === 0 ? 8 : 12) : 16;
  const floor = bytesPerParam * denseParamsFloor(spec, data.classes);
  if (floor > limits.trainingBytes) {
    problems.push({
      path: 'model.head',
      message: `needs over ${gib(floor)} for its dense layers alone; this companion takes at most ${gib(limits.trainingBytes)} (--max-train-memory ${limits.trainingBytes})`,
    });
    return problems;
  }
  const bytes = estimatedTrainingBytes(spec, data.classes);
  if (bytes > limits.trainingBytes) {
    problems.push({
      path: 'model',
      message: `needs about ${gib(bytes)} to train at batch ${spec.training.batchSize} (${spec.model.architecture}, ${spec.data.imageSize} px, width ${spec.model.width}); this companion takes at most ${gib(limits.trainingBytes)} (--max-train-memory ${limits.trainingBytes}); a smaller batch, image size or width fits`,
    });
  }
  return problems;
}

/**
 * A lower bound on the parameters of the spec's dense layers, from its numbers alone:
 * the flattened input into an MLP's first layer, the head's hidden chain, the output
 * layer and a margin loss's class centres. Times the bytes each parameter holds in
 * training (a float32 weight, its gradient, the optimizer's slots) it bounds the training
 * memory from below.
 */
function denseParamsFloor(spec: RunSpec, classes: number): number {
  const pixels = spec.data.imageSize * spec.data.imageSize * spec.data.channels;
  const chain = [spec.model.architecture === 'mlp' ? pixels : 1, ...spec.model.head.hidden];
  const out = spec.task.kind === 'embedding' ? (spec.model.embeddingSize ?? 512) : classes;
  chain.push(out);
  let params = 0;
  for (let i = 1; i < chain.length; i++) params += chain[i - 1] * chain[i];
  if (spec.task.kind === 'embedding') params += (spec.model.embeddingSize ?? 512) * classes;
  return params;
}

/** Estimates from the same figures, by shape, are kept: a sweep over learning rates builds its model once. */
const estimates = new Map<string, number>();

/**
 * The core's training memory for the spec's model: built (on whatever tfjs backend this
 * process has) and disposed. A margin loss's class centres (embedding × classes) are
 * trainable too and counted as extra parameters.
 */
function estimatedTrainingBytes(spec: RunSpec, classes: number): number {
  const numClasses = Math.max(classes, 2);
  const key = JSON.stringify([spec.model, spec.data.channels, spec.task.kind, numClasses, spec.training.batchSize, spec.optimizer.type, spec.loss.type, spec.training.gradientAccumulation, spec.version]);
  const known = estimates.get(key);
  if (known !== undefined) return known;
  const margin = spec.loss.type === 'arcface' || spec.loss.type === 'cosface' || spec.loss.type === 'cdml';
  // The model's convention (padding, batch-norm constants) changes no shape, so no figure here; the field is set for builders that require it.
  const model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses, seed: 0, convention: 'torchvision' } as BuildModelOptions);
  try {
    const { totalBytes } = trainingMemory(model, {
      batchSize: spec.training.batchSize,
      optimizer: spec.optimizer,
      extraTrainableParams: margin ? (spec.model.embeddingSize ?? 0) * numClasses : 0,
      gradientAccumulation: spec.training.gradientAccumulation,
    });
    if (estimates.size > 256) estimates.clear();
    estimates.set(key, totalBytes);
    return totalBytes;
  } finally {
    model.dispose();
  }
}
