import type { RunSpecInput } from '../../core/spec/runSpec.ts';
import type { DemoKind } from '../../store/datasetsStore.ts';
import { useDatasetsStore } from '../../store/datasetsStore.ts';
import { useRunsStore } from '../../store/runsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';

export interface SeedPreset {
  /** 'shapes', '000-arcface', '001-tracker', '002-transfer', '003-cdml', '004-expression'. */
  id: string;
  title: string;
  /** One line: what it reproduces from which seed report. */
  description: string;
  /** The generated dataset it trains on by default. */
  demo: DemoKind;
  /** A whole RunSpec; data.source is filled with the demo dataset when the preset is used. */
  spec: RunSpecInput;
  /** What the Evaluate page shows for the trained run, in the seed's own terms. */
  evaluation: string;
}

/** Filled in by applyPreset with the demo dataset's id and version. */
const unsetSource = { kind: 'indexeddb', datasetId: '' } as const;

/**
 * Identity splits of the faces demo (8 identities × 6 images): 70 / 15 / 15 would leave
 * one identity for validation, and verification needs pairs of different people. Half
 * for training leaves two identities each for validation and test.
 */
const facesSplit = { train: 0.5, val: 0.25, test: 0.25, by: 'identity' } as const;

/**
 * The five seed workflows (examples/000–004) and the shapes demo, each with its seed's
 * loss, optimizer, schedule and augmentation, scaled (width, input size, epochs, batch)
 * to train in minutes in a browser on the generated demo data.
 */
export const seedPresets: SeedPreset[] = [
  {
    id: 'shapes',
    title: 'Shapes in a minute',
    description: 'A small CNN learns three generated shapes: the quickest way to see the studio train (examples/shapes-demo.json).',
    demo: 'shapes',
    evaluation: 'Confusion matrix, per-class scores and the images behind each cell.',
    spec: {
      version: 2,
      name: 'shapes-demo',
      data: {
        source: unsetSource,
        imageSize: 32,
        channels: 3,
        normalization: { preset: 'half' },
        augmentation: { flip: { horizontal: true, p: 0.5 } },
      },
      model: { architecture: 'smallCnn', width: 0.5, inputSize: 32 },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy' },
      optimizer: { type: 'adam', lr: 0.003 },
      schedule: { type: 'cosine', warmupEpochs: 0.5 },
      training: { epochs: 4, batchSize: 16, seed: 7, checkpoint: { everyEpochs: 1 } },
    },
  },
  {
    id: '000-arcface',
    title: 'ArcFace face verification',
    description: 'Seed 000: a ResNet-50 embedding trained with ArcFace (s 30, m 0.4), AdamW and warmup + cosine, scored by EER on unseen identities.',
    demo: 'faces',
    evaluation: 'Verification on unseen identities: similarity histograms, ROC and AUC, DET, EER and the threshold slider (FAR / FRR).',
    spec: {
      version: 2,
      name: '000-arcface-verification',
      data: {
        source: unsetSource,
        imageSize: 32,
        channels: 3,
        split: facesSplit,
        normalization: { preset: 'half' },
        augmentation: { flip: { horizontal: true, p: 0.5 } },
      },
      model: { architecture: 'resnet50', width: 0.125, inputSize: 32, embeddingSize: 64, head: { dropout: 0 } },
      task: { kind: 'embedding' },
      loss: { type: 'arcface', scale: 30, margin: 0.4 },
      optimizer: { type: 'adamw', lr: 0.001, weightDecay: 0.0005, noDecayOnBiasAndNorm: true },
      schedule: { type: 'cosine', warmupEpochs: 1, minLr: 0.00001 },
      training: {
        epochs: 8,
        batchSize: 8,
        seed: 42,
        earlyStopping: { monitor: 'val_eer', mode: 'min', patience: 4 },
        checkpoint: { everyEpochs: 2, keepBest: true, monitor: 'val_eer', mode: 'min' },
      },
    },
  },
  {
    id: '001-tracker',
    title: 'Two-head face tracker',
    description: 'Seed 001: a VGG-16 with a class head and a box head, trained on box + 0.5 · class loss with Adam and exponential decay.',
    demo: 'boxes',
    evaluation: 'Predicted vs true boxes over the images, IoU histogram, precision at IoU ≥ 0.5 above the 0.9 class-confidence cut.',
    spec: {
      version: 2,
      name: '001-face-tracker',
      data: {
        source: unsetSource,
        labels: 'json',
        imageSize: 48,
        channels: 3,
        split: { train: 0.7, val: 0.15, test: 0.15 },
        normalization: { preset: 'unit' },
        augmentation: {},
      },
      model: { architecture: 'vgg16', width: 0.125, inputSize: 48, head: { hidden: [256], activation: 'relu' } },
      task: { kind: 'detection', confidenceThreshold: 0.9 },
      loss: { type: 'multiTask', box: 'seed001', boxWeight: 1, classWeight: 0.5 },
      optimizer: { type: 'adam', lr: 0.0001 },
      schedule: { type: 'exponential', gamma: 0.75 },
      training: { epochs: 6, batchSize: 8, seed: 42, checkpoint: { everyEpochs: 1, monitor: 'val_loss', mode: 'min' } },
    },
  },
  {
    id: '002-transfer',
    title: 'Transfer-learning classifier',
    description: 'Seed 002: MobileNetV2 with a BN + LeakyReLU + dropout head, AdamW, StepLR and early stopping on val_loss.',
    demo: 'shapes',
    evaluation: 'Confusion matrix and per-class scores; train the ResNet-18 recipe too and overlay both in Runs.',
    spec: {
      version: 2,
      name: '002-transfer-classification',
      data: {
        source: unsetSource,
        imageSize: 32,
        channels: 3,
        split: { train: 0.7, val: 0.15, test: 0.15, by: 'stratified' },
        normalization: { preset: 'imagenet' },
        augmentation: { flip: { horizontal: true, p: 0.5 }, rotation: { degrees: 15 } },
      },
      model: {
        architecture: 'mobilenetV2',
        width: 0.35,
        inputSize: 32,
        head: { hidden: [64], dropout: 0.3, batchNorm: true, activation: 'leakyRelu' },
        frozenLayers: 0,
      },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy', labelSmoothing: 0 },
      optimizer: { type: 'adamw', lr: 0.001, weightDecay: 0.0001 },
      schedule: { type: 'step', stepSize: 5, gamma: 0.1 },
      training: {
        epochs: 8,
        batchSize: 16,
        seed: 42,
        earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 3, restoreBestWeights: true },
        checkpoint: { everyEpochs: 1, monitor: 'val_acc', mode: 'max' },
      },
    },
  },
  {
    id: '003-cdml',
    title: 'CDML on IResNet-lite',
    description: 'Seed 003: an IResNet-18-lite embedding trained with the dynamic-margin CDML loss, SGD + momentum, MultiStepLR and clipping.',
    demo: 'faces',
    evaluation: 'Verification: EER, 10-fold accuracy, DET; the model cost table (params, FLOPs, latency on this device).',
    spec: {
      version: 2,
      name: '003-cdml-iresnet',
      data: {
        source: unsetSource,
        imageSize: 32,
        channels: 3,
        split: facesSplit,
        normalization: { preset: 'half' },
        augmentation: {
          flip: { horizontal: true, p: 0.5 },
          randomResizedCrop: { scale: [0.8, 1], ratio: [0.9, 1.1] },
          colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2 },
          rotation: { degrees: 10 },
        },
      },
      model: { architecture: 'iresnet18Lite', width: 0.25, inputSize: 32, embeddingSize: 64 },
      task: { kind: 'embedding' },
      loss: { type: 'cdml', scale: 64, margin: 0.49, alpha: 0.2 },
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.0005 },
      schedule: { type: 'multiStep', milestones: [5, 8, 10], gamma: 0.1 },
      training: {
        epochs: 12,
        batchSize: 8,
        clipNorm: 5,
        seed: 42,
        checkpoint: { everyEpochs: 2, monitor: 'val_eer', mode: 'min' },
      },
    },
  },
  {
    id: '004-expression',
    title: 'EfficientNet expression model',
    description: 'Seed 004: EfficientNet-B0 with mixup, label smoothing, OneCycle, gradient accumulation and clipping.',
    demo: 'shapes',
    evaluation: 'Confidence bands (use ≥ 90 %, caution 70–90 %, review), reliability diagram with ECE, then ONNX export.',
    spec: {
      version: 2,
      name: '004-expression-efficientnet',
      data: {
        source: unsetSource,
        imageSize: 32,
        channels: 3,
        split: { train: 0.7, val: 0.15, test: 0.15 },
        normalization: { preset: 'imagenet' },
        augmentation: { flip: { horizontal: true, p: 0.5 }, rotation: { degrees: 10 }, mixup: { alpha: 0.3, p: 0.3 } },
      },
      model: { architecture: 'efficientnetB0', width: 0.25, inputSize: 32, head: { dropout: 0.5 } },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy', labelSmoothing: 0.1 },
      optimizer: { type: 'adamw', lr: 0.003, weightDecay: 0.01 },
      schedule: { type: 'oneCycle', maxLr: 0.003, pctStart: 0.3 },
      training: {
        epochs: 10,
        batchSize: 8,
        gradientAccumulation: 2,
        clipNorm: 1,
        seed: 42,
        earlyStopping: { monitor: 'val_acc', mode: 'max', patience: 6, restoreBestWeights: true },
        checkpoint: { everyEpochs: 1, monitor: 'val_acc', mode: 'max' },
      },
    },
  },
];

/**
 * Seed 002 compares backbones: its second recipe is the first with ResNet-18 in place of
 * MobileNetV2 (and a width that keeps it browser-sized), everything else equal.
 */
function withBackbone(preset: SeedPreset, id: string, architecture: 'resnet18', width: number): SeedPreset {
  return {
    ...preset,
    id,
    title: `${preset.title}: ResNet-18 side`,
    description: 'Seed 002 compares backbones: the same head, data and schedule on ResNet-18, to overlay with the MobileNetV2 run in Runs.',
    evaluation: 'The same views as the MobileNetV2 run; select both in Runs to compare curves and the spec difference (the backbone).',
    spec: { ...preset.spec, name: id, model: { ...preset.spec.model, architecture, width } },
  };
}
seedPresets.splice(seedPresets.findIndex((p) => p.id === '002-transfer') + 1, 0, withBackbone(seedPresets.find((p) => p.id === '002-transfer')!, '002-transfer-resnet18', 'resnet18', 0.25));

/** The preset's spec over a stored dataset, pinned to the version it has now. */
export function presetSpecFor(preset: SeedPreset, dataset: { id: string; version: string }): RunSpecInput {
  return { ...preset.spec, data: { ...preset.spec.data, source: { kind: 'indexeddb', datasetId: dataset.id, version: dataset.version } } };
}

/**
 * Makes the preset the Train page's draft: creates its demo dataset when missing, fills
 * in the dataset's id and version, and opens the Train page on the newest run of this
 * recipe on this dataset, or on none, rather than the previous recipe's.
 */
export async function applyPreset(preset: SeedPreset): Promise<void> {
  const dataset = await useDatasetsStore.getState().ensureDemo(preset.demo);
  const session = useSessionStore.getState();
  session.setDraft(presetSpecFor(preset, dataset), dataset.id, preset.id);
  const runs = useRunsStore.getState();
  runs.focus(runs.runs.find((r) => r.spec.name === preset.spec.name && r.datasetId === dataset.id)?.id);
  session.navigate('train');
}
