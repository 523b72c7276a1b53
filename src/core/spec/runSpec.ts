import { z } from 'zod';
import { SYNTHETIC_GENERATORS } from '../data/syntheticSource.ts';
import { BACKBONE_BLOCKS } from '../models/backboneBlocks.ts';
import { faceApiArchitectures, faceApiModelOf } from '../pretrained/faceApiModels.ts';
import { weightNamings } from '../pretrained/torchModuleNames.ts';
import { unknownKeyProblem } from './unknownKeyProblem.ts';

/**
 * RunSpec: the versioned, JSON-serializable contract that describes a run. The browser,
 * the CLI and the companion all train from exactly this object, so it must be complete:
 * nothing a run depends on may live outside it (except the data itself, which a run
 * pins by the dataset's version hash).
 */
export const RUN_SPEC_VERSION = 2;
/** Every version a stored spec may carry; older ones keep their meaning (see `modelConvention`). */
export const RUN_SPEC_VERSIONS = [1, 2] as const;

/**
 * How the zoo's layers compute, where TensorFlow and PyTorch differ:
 * - `torchvision`: PyTorch's function, so weights from torchvision (or timm, insightface)
 *   give their outputs: symmetric padding on strided layers (a 3×3/2 convolution pads 1
 *   on every side), each family's batch-norm ε and momentum, and the running variance
 *   updated with the unbiased batch variance (n/(n−1)), as nn.BatchNorm2d does.
 * - `keras`: what the zoo computed before version 2 of the spec: TensorFlow's `same`
 *   padding (the extra pixel at the bottom and right), ε = 1e-5 but on MobileNetV3, the
 *   biased running variance. Runs made then keep evaluating to the numbers they had.
 */
export const modelConventions = ['torchvision', 'keras'] as const;
export type ModelConvention = (typeof modelConventions)[number];

const positive = (what = 'must be > 0') => z.number({ error: 'must be a number' }).gt(0, { error: what });
const positiveInt = z.number({ error: 'must be a number' }).int({ error: 'must be an integer' }).gt(0, { error: 'must be > 0' });
const nonNegative = z.number({ error: 'must be a number' }).gte(0, { error: 'must be >= 0' });
const probability = z.number({ error: 'must be a number' }).gte(0, { error: 'must be >= 0' }).lte(1, { error: 'must be <= 1' });
const range = (lo: number, hi: number) =>
  z
    .tuple([z.number(), z.number()])
    .refine(([a, b]) => a <= b, { error: 'must be [min, max] with min <= max' })
    .refine(([a, b]) => a >= lo && b <= hi, { error: `must lie within [${lo}, ${hi}]` });

export const architectures = [
  'mlp',
  'smallCnn',
  'mobilenetV2',
  'mobilenetV3Small',
  'resnet18',
  'resnet34',
  'resnet50',
  'efficientnetB0',
  'vgg16',
  'iresnet18',
  'iresnet34',
  'iresnet50',
  'iresnet18Lite',
  'iresnet34Lite',
  'iresnet50Lite',
  'faceRecognitionNet',
  'faceExpressionNet',
] as const;
export type Architecture = (typeof architectures)[number];

const dataSourceSchema = z.discriminatedUnion('kind', [
  /** A folder on disk (Node hosts); the CLI's --data overrides the path. */
  z.strictObject({ kind: z.literal('folder'), path: z.string().min(1, { error: 'must not be empty' }) }),
  /** A dataset stored in the studio's IndexedDB, pinned by its version hash. */
  z.strictObject({ kind: z.literal('indexeddb'), datasetId: z.string().min(1), version: z.string().optional() }),
  /** A dataset the host generates deterministically (demo data, tests). */
  z.strictObject({
    kind: z.literal('synthetic'),
    generator: z.enum(SYNTHETIC_GENERATORS),
    classes: positiveInt.default(3),
    perClass: positiveInt.default(20),
  }),
  /** Samples handed over in memory by the host. */
  z.strictObject({ kind: z.literal('memory') }),
]);

const normalizationSchema = z
  .strictObject({
    preset: z.enum(['imagenet', 'half', 'unit', 'custom']).default('unit'),
    mean: z.array(z.number()).optional(),
    std: z.array(positive()).optional(),
  })
  .refine((n) => n.preset !== 'custom' || (n.mean !== undefined && n.std !== undefined), {
    error: 'custom normalization needs mean and std',
  });

const augmentationSchema = z
  .strictObject({
    flip: z.strictObject({ horizontal: z.boolean().default(true), vertical: z.boolean().default(false), p: probability.default(0.5) }).optional(),
    rotation: z.strictObject({ degrees: nonNegative.max(180, { error: 'must be <= 180' }) }).optional(),
    randomResizedCrop: z.strictObject({ scale: range(0, 1).default([0.08, 1]), ratio: range(0.1, 10).default([0.75, 4 / 3]) }).optional(),
    colorJitter: z
      .strictObject({ brightness: nonNegative.default(0), contrast: nonNegative.default(0), saturation: nonNegative.default(0) })
      .optional(),
    mixup: z.strictObject({ alpha: positive(), p: probability.default(1) }).optional(),
  })
  .default({});

const splitSchema = z
  .strictObject({
    train: probability.default(0.7),
    val: probability.default(0.15),
    test: probability.default(0.15),
    /** 'auto': stratified by class for classification/detection, identity-disjoint for embeddings. */
    by: z.enum(['auto', 'stratified', 'identity']).default('auto'),
    /** Identities held out by name (identity splits): a split named here holds exactly these; the rest split by the fractions. */
    heldOut: z
      .strictObject({
        val: z.array(z.string().min(1, { error: 'must not be empty' })).min(1, { error: 'must name at least one identity' }).optional(),
        test: z.array(z.string().min(1, { error: 'must not be empty' })).min(1, { error: 'must name at least one identity' }).optional(),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    const sum = s.train + s.val + s.test;
    if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', message: `train + val + test must sum to 1, got ${Number(sum.toFixed(6))}` });
  })
  .default({ train: 0.7, val: 0.15, test: 0.15, by: 'auto' });

const dataSchema = z.strictObject({
  source: dataSourceSchema,
  /** How labels are read: folder names, or per-image JSON with `class` (and `bbox`) as in seed 001. */
  labels: z.enum(['folders', 'json']).default('folders'),
  imageSize: positiveInt,
  channels: z.union([z.literal(1), z.literal(3)], { error: 'must be 1 or 3' }).default(3),
  split: splitSchema,
  normalization: normalizationSchema.default({ preset: 'unit' }),
  augmentation: augmentationSchema,
});

const headSchema = z
  .strictObject({
    hidden: z.array(positiveInt).default([]),
    dropout: z.number().gte(0, { error: 'must be >= 0' }).lt(1, { error: 'must be < 1' }).default(0),
    batchNorm: z.boolean().default(false),
    activation: z.enum(['relu', 'leakyRelu', 'gelu', 'none']).default('relu'),
  })
  .default({ hidden: [], dropout: 0, batchNorm: false, activation: 'relu' });

const initialWeightsSchema = z.discriminatedUnion('from', [
  /** A checkpoint written by the studio (a run directory in Node, a checkpoint id in the browser). */
  z.strictObject({ from: z.literal('checkpoint'), path: z.string().min(1) }),
  /** A tfjs LayersModel (model.json + weights) at a path or URL; layers are matched by name and shape. */
  z.strictObject({ from: z.literal('tfjs'), path: z.string().min(1) }),
  /**
   * A PyTorch state_dict saved as safetensors, with torchvision's names (insightface's for
   * IResNet) or timm's (`naming: "timm"`: ResNets, MobileNetV2, EfficientNet-B0): a file path or an https URL (downloaded once, then read from the cache).
   * Needs the torchvision convention and model.width 1; a new head starts fresh.
   */
  z.strictObject({
    from: z.literal('safetensors'),
    path: z.string().min(1),
    naming: z.enum(weightNamings).default('torchvision'),
    /**
     * The file's SHA-256 (lowercase hex): the key the studio keeps it under in IndexedDB, so
     * the browser resolves the weights by content (a dropped file has no path it can reopen)
     * and a second run needs no download. The CLI reads `path`.
     */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits (a SHA-256)' }).optional(),
  }),
  /** face-api.js' weights for the architecture (faceApiModels.ts), shipped with the studio: faceRecognitionNet and faceExpressionNet. */
  z.strictObject({ from: z.literal('faceApi') }),
]);

const modelSchema = z.strictObject({
  architecture: z.enum(architectures, { error: `must be one of ${architectures.join(', ')}` }),
  width: positive().default(1),
  inputSize: positiveInt,
  head: headSchema,
  embeddingSize: positiveInt.optional(),
  /**
   * Freeze the first N blocks of the backbone (seed 002): torchvision's `features[:N]`, or
   * the stem and N − 1 residual blocks (`backboneBlocks`); layers, as Keras counts them, in
   * version-1 specs.
   */
  frozenLayers: z.number().int().gte(0, { error: 'must be >= 0' }).default(0),
  /**
   * Batch norms inside frozen blocks: `inference` uses their running statistics and leaves
   * them alone (Keras' behaviour, what a pretrained backbone needs); `train` normalizes by
   * each batch and keeps updating them. Left out: `inference` from version 2 on, `train`
   * for version 1 (what those runs did).
   */
  frozenBatchNorm: z.enum(['inference', 'train']).optional(),
  /**
   * Train with `frozenLayers` frozen for this many epochs (the head settles on a pretrained
   * backbone), then the whole backbone for the rest, at lr × `optimizer.backboneLrFactor`:
   * fastai's `fine_tune(freeze_epochs=N)`. Left out: the frozen blocks stay frozen.
   */
  unfreezeAfterEpochs: positiveInt.optional(),
  initialWeights: initialWeightsSchema.optional(),
  /** Left out: `torchvision` from spec version 2 on, `keras` for version 1 (modelConvention). */
  convention: z.enum(modelConventions, { error: `must be one of ${modelConventions.join(', ')}` }).optional(),
});

const taskSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('classification') }),
  z.strictObject({ kind: z.literal('embedding') }),
  /** Class + one box per image (seed 001's two-head tracker). */
  z.strictObject({ kind: z.literal('detection'), confidenceThreshold: probability.default(0.9) }),
]);

const boxLossSchema = z.enum(['seed001', 'giou', 'l1']);

const lossSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('crossEntropy'), labelSmoothing: z.number().gte(0).lt(1, { error: 'must be < 1' }).default(0) }),
  z.strictObject({ type: z.literal('arcface'), scale: positive().default(30), margin: nonNegative.default(0.5) }),
  z.strictObject({ type: z.literal('cosface'), scale: positive().default(30), margin: nonNegative.default(0.35) }),
  z.strictObject({
    type: z.literal('cdml'),
    scale: positive().default(64),
    margin: nonNegative.default(0.49),
    /** Dynamic-margin strength: m_i = m · (1 + α · (cos θ_y,i − mean cos θ_y)) per seed 003. */
    alpha: nonNegative.default(0.2),
  }),
  z.strictObject({
    type: z.literal('multiTask'),
    box: boxLossSchema.default('seed001'),
    boxWeight: nonNegative.default(1),
    classWeight: nonNegative.default(0.5),
    labelSmoothing: z.number().gte(0).lt(1).default(0),
  }),
]);

const betas = z.tuple([probability, probability]).default([0.9, 0.999]);
/**
 * The backbone's learning rate is lr × this (its weights fine-tuned gently under a fresh
 * head, as PyTorch users do with a parameter group); the head and loss-side variables take
 * lr. Left out: 1.
 */
const backboneLrFactor = positive().max(1, { error: 'must be <= 1 (the backbone learns at most as fast as the head)' }).optional();

const optimizerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sgd'),
    lr: positive(),
    momentum: nonNegative.default(0),
    nesterov: z.boolean().default(false),
    weightDecay: nonNegative.default(0),
    noDecayOnBiasAndNorm: z.boolean().default(false),
    backboneLrFactor,
  }),
  z.strictObject({
    type: z.literal('adam'),
    lr: positive(),
    betas,
    eps: positive().default(1e-8),
    weightDecay: nonNegative.default(0),
    noDecayOnBiasAndNorm: z.boolean().default(false),
    backboneLrFactor,
  }),
  z.strictObject({
    type: z.literal('adamw'),
    lr: positive(),
    betas,
    eps: positive().default(1e-8),
    weightDecay: nonNegative.default(0.01),
    noDecayOnBiasAndNorm: z.boolean().default(false),
    backboneLrFactor,
  }),
]);

const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  /** Multiply by gamma every stepSize epochs (PyTorch StepLR stepped per epoch). */
  z.strictObject({ type: z.literal('step'), stepSize: positiveInt, gamma: positive().default(0.1) }),
  z.strictObject({ type: z.literal('multiStep'), milestones: z.array(positiveInt).min(1), gamma: positive().default(0.1) }),
  z.strictObject({ type: z.literal('exponential'), gamma: positive() }),
  /** Linear warmup from warmupStartFactor·lr, then cosine to minLr, per optimizer step. */
  z.strictObject({
    type: z.literal('cosine'),
    warmupEpochs: nonNegative.default(0),
    warmupStartFactor: z.number().gt(0).lte(1).default(0.01),
    minLr: nonNegative.default(0),
  }),
  /** PyTorch OneCycleLR semantics and defaults, per optimizer step. */
  z.strictObject({
    type: z.literal('oneCycle'),
    maxLr: positive(),
    pctStart: z.number().gt(0).lt(1).default(0.3),
    annealStrategy: z.enum(['cos', 'linear']).default('cos'),
    divFactor: positive().default(25),
    finalDivFactor: positive().default(1e4),
    threePhase: z.boolean().default(false),
  }),
  /** Reduce by factor after `patience` epochs without improvement of `monitor`. */
  z.strictObject({
    type: z.literal('reduceOnPlateau'),
    monitor: z.string().default('val_loss'),
    mode: z.enum(['min', 'max']).default('min'),
    factor: z.number().gt(0).lt(1, { error: 'must be < 1' }).default(0.1),
    patience: z.number().int().gte(0).default(10),
    threshold: nonNegative.default(1e-4),
    cooldown: z.number().int().gte(0).default(0),
    minLr: nonNegative.default(0),
  }),
]);

const earlyStoppingSchema = z.strictObject({
  monitor: z.string().default('val_loss'),
  mode: z.enum(['min', 'max']).default('min'),
  patience: z.number().int().gte(0).default(10),
  minDelta: nonNegative.default(0),
  restoreBestWeights: z.boolean().default(true),
});

const checkpointSchema = z
  .strictObject({
    everyEpochs: z.number().int().gte(0, { error: 'must be >= 0 (0 turns periodic checkpoints off)' }).default(1),
    keepBest: z.boolean().default(true),
    monitor: z.string().default('val_loss'),
    mode: z.enum(['min', 'max']).default('min'),
  })
  .default({ everyEpochs: 1, keepBest: true, monitor: 'val_loss', mode: 'min' });

const trainingSchema = z.strictObject({
  epochs: positiveInt,
  batchSize: positiveInt,
  gradientAccumulation: positiveInt.default(1),
  /** Global-norm gradient clipping; omit for none. */
  clipNorm: positive().optional(),
  earlyStopping: earlyStoppingSchema.optional(),
  checkpoint: checkpointSchema,
  seed: z.number().int().gte(0).default(42),
  /** Read the loss back every N steps (readback stalls the GPU queue). */
  logEverySteps: positiveInt.default(1),
});

const SECTIONS = { data: dataSchema, model: modelSchema, task: taskSchema, loss: lossSchema, optimizer: optimizerSchema, schedule: scheduleSchema, training: trainingSchema };

/**
 * Each section of a draft as the schema completes it (its defaults filled in), for the
 * sections valid on their own: what a form shows for the fields a draft leaves out while
 * another section (no dataset chosen yet, say) still has a problem.
 */
export function sectionDefaults(input: unknown): Partial<Record<keyof typeof SECTIONS, unknown>> {
  const out: Partial<Record<keyof typeof SECTIONS, unknown>> = {};
  if (input === null || typeof input !== 'object') return out;
  for (const [key, schema] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, (typeof SECTIONS)[keyof typeof SECTIONS]][]) {
    const parsed = schema.safeParse((input as Record<string, unknown>)[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}

export const runSpecSchema = z
  .strictObject({
    version: z.union(
      RUN_SPEC_VERSIONS.map((v) => z.literal(v)),
      { error: `must be ${RUN_SPEC_VERSIONS.join(' or ')} (${RUN_SPEC_VERSION} for new specs)` },
    ),
    name: z.string().default('run'),
    data: dataSchema,
    model: modelSchema,
    task: taskSchema,
    loss: lossSchema,
    optimizer: optimizerSchema,
    schedule: scheduleSchema.default({ type: 'constant' }),
    training: trainingSchema,
  })
  .superRefine((spec, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const blocks = BACKBONE_BLOCKS[spec.model.architecture];
    if (spec.version >= 2 && spec.model.frozenLayers > blocks.count) {
      issue(['model', 'frozenLayers'], `${spec.model.architecture} has ${blocks.count} blocks (${blocks.what}), got ${spec.model.frozenLayers}`);
    }
    const unfreeze = spec.model.unfreezeAfterEpochs;
    if (unfreeze !== undefined && spec.model.frozenLayers === 0) {
      issue(['model', 'unfreezeAfterEpochs'], 'nothing is frozen to unfreeze: set model.frozenLayers too');
    }
    if (unfreeze !== undefined && unfreeze >= spec.training.epochs) {
      issue(['model', 'unfreezeAfterEpochs'], `the run ends before it (training.epochs is ${spec.training.epochs}, got ${unfreeze})`);
    }
    if (spec.model.initialWeights?.from === 'faceApi' && !faceApiModelOf(spec.model.architecture)) {
      issue(['model', 'initialWeights'], `face-api's weights are for ${faceApiArchitectures()}, not ${spec.model.architecture}`);
    }
    if (spec.model.initialWeights?.from === 'safetensors' && modelConvention(spec) !== 'torchvision') {
      issue(['model', 'initialWeights'], 'PyTorch weights need model.convention "torchvision" (the default from spec version 2 on)');
    }
    if (spec.model.inputSize !== spec.data.imageSize) {
      issue(['model', 'inputSize'], `must equal data.imageSize (${spec.data.imageSize}), got ${spec.model.inputSize}`);
    }
    const margin = ['arcface', 'cosface', 'cdml'].includes(spec.loss.type);
    if (spec.task.kind === 'embedding' && !margin) {
      issue(['loss', 'type'], `an embedding task needs arcface, cosface or cdml, got ${spec.loss.type}`);
    }
    if (spec.task.kind !== 'embedding' && margin) {
      issue(['loss', 'type'], `${spec.loss.type} needs task.kind "embedding", got "${spec.task.kind}"`);
    }
    if (spec.task.kind === 'embedding' && spec.model.embeddingSize === undefined) {
      issue(['model', 'embeddingSize'], 'is required for an embedding task');
    }
    if (spec.task.kind === 'detection' && spec.loss.type !== 'multiTask') {
      issue(['loss', 'type'], `a detection task needs multiTask, got ${spec.loss.type}`);
    }
    if (spec.task.kind === 'classification' && spec.loss.type === 'multiTask') {
      issue(['loss', 'type'], 'multiTask needs task.kind "detection"');
    }
    if (spec.data.augmentation.mixup && spec.task.kind !== 'classification') {
      issue(['data', 'augmentation', 'mixup'], 'mixup applies to classification only');
    }
    if (spec.task.kind === 'detection' && spec.data.labels !== 'json') {
      issue(['data', 'labels'], 'a detection task needs per-image JSON labels with a bbox ("json")');
    }
    const heldOut = spec.data.split.heldOut;
    if (heldOut) {
      const by = spec.data.split.by === 'auto' ? (spec.task.kind === 'embedding' ? 'identity' : 'stratified') : spec.data.split.by;
      if (by !== 'identity') issue(['data', 'split', 'heldOut'], 'holds identities out of training, so it needs an identity split (by "identity", or "auto" on an embedding task)');
      const twice = (heldOut.val ?? []).filter((name) => heldOut.test?.includes(name));
      if (twice.length > 0) issue(['data', 'split', 'heldOut'], `an identity is held out in one split only, got ${twice.map((n) => `"${n}"`).join(', ')} in both val and test`);
    }
    if (spec.schedule.type === 'multiStep') {
      const m = spec.schedule.milestones;
      if (m.some((v, i) => i > 0 && v <= m[i - 1])) issue(['schedule', 'milestones'], 'must be strictly increasing');
    }
    if (spec.data.normalization.preset === 'custom') {
      for (const key of ['mean', 'std'] as const) {
        const v = spec.data.normalization[key];
        if (v && v.length !== spec.data.channels) {
          issue(['data', 'normalization', key], `needs ${spec.data.channels} values (one per channel), got ${v.length}`);
        }
      }
    }
  });

/** A fully defaulted, validated spec. */
export type RunSpec = z.output<typeof runSpecSchema>;
/** What a person writes: defaults may be left out. */
export type RunSpecInput = z.input<typeof runSpecSchema>;
export type DataSpec = RunSpec['data'];
export type AugmentationSpec = RunSpec['data']['augmentation'];
export type NormalizationSpec = RunSpec['data']['normalization'];
export type ModelSpec = RunSpec['model'];
export type HeadSpec = RunSpec['model']['head'];
export type TaskSpec = RunSpec['task'];
export type LossConfig = RunSpec['loss'];
export type OptimizerConfig = RunSpec['optimizer'];
export type ScheduleConfig = RunSpec['schedule'];
export type TrainingSpec = RunSpec['training'];
export type EarlyStoppingSpec = NonNullable<RunSpec['training']['earlyStopping']>;

export interface SpecProblem {
  /** Dotted path into the spec, e.g. "model.width". */
  path: string;
  /** Plain reason, e.g. "must be > 0, got -1". */
  message: string;
}

export type SpecResult = { ok: true; spec: RunSpec; problems: [] } | { ok: false; problems: SpecProblem[] };

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Validates a spec and fills its defaults. Returns every problem at once, each with its
 * dotted path and a plain reason that names the offending value.
 */
export function validateRunSpec(input: unknown): SpecResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '(spec)', message: `must be a JSON object, got ${describe(input)}` }] };
  }
  const version = (input as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > RUN_SPEC_VERSION) {
    // Its fields may be ones this build has never heard of: saying which keys are unknown would blame the file.
    return {
      ok: false,
      problems: [{ path: 'version', message: `this spec is version ${version}, newer than this studio reads (${RUN_SPEC_VERSIONS.join(' or ')}): update the studio to run it` }],
    };
  }
  const parsed = runSpecSchema.safeParse(input);
  if (parsed.success) return { ok: true, spec: parsed.data, problems: [] };
  const problems = parsed.error.issues.flatMap((issue): SpecProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...issue.path, key].map(String).join('.'),
        message: unknownKeyProblem(runSpecSchema, input, issue.path, key),
      }));
    }
    const path = issue.path.map(String).join('.') || '(spec)';
    const value = valueAt(input, issue.path);
    const missing = value === undefined && issue.code === 'invalid_type';
    let message = missing ? 'is required' : issue.message;
    if (!missing && issue.code !== 'custom' && !message.includes(', got ')) message += `, got ${describe(value)}`;
    return [{ path, message }];
  });
  return { ok: false, problems };
}

/** Validates or throws one error listing every problem, one per line. */
export function parseRunSpec(input: unknown): RunSpec {
  const result = validateRunSpec(input);
  if (!result.ok) {
    throw new Error(`invalid run spec:\n${result.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
  return result.spec;
}

/** What `buildModel` needs of a spec beyond its model section: how it computes and how it freezes. */
export interface ModelSemantics {
  convention: ModelConvention;
  /** What `frozenLayers` counts. */
  frozenUnit: 'blocks' | 'layers';
  frozenBatchNorm: 'inference' | 'train';
}

/** The semantics a spec's version gives its model, with the model's own choices applied. */
export function modelSemantics(spec: { version: number; model: { convention?: ModelConvention; frozenBatchNorm?: 'inference' | 'train' } }): ModelSemantics {
  const current = spec.version >= 2;
  return {
    convention: modelConvention(spec),
    frozenUnit: current ? 'blocks' : 'layers',
    frozenBatchNorm: spec.model.frozenBatchNorm ?? (current ? 'inference' : 'train'),
  };
}

/** The convention a spec's model computes with: its own `model.convention`, else its version's. */
export function modelConvention(spec: { version: number; model: { convention?: ModelConvention } }): ModelConvention {
  return spec.model.convention ?? (spec.version >= 2 ? 'torchvision' : 'keras');
}
