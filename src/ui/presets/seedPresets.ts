import example000 from '../../../examples/000-arcface-verification.json';
import example001 from '../../../examples/001-face-tracker.json';
import example002 from '../../../examples/002-transfer-classification.json';
import example002resnet18 from '../../../examples/002-transfer-classification-resnet18.json';
import example003 from '../../../examples/003-cdml-verification.json';
import example004 from '../../../examples/004-expression-recognition.json';
import exampleShapes from '../../../examples/shapes-demo.json';
import type { RunSpecInput } from '../../core/spec/runSpec.ts';
import type { DemoDatasetOptions } from '../../import/demoDatasets.ts';
import type { DemoKind } from '../../store/datasetsStore.ts';
import { useDatasetsStore } from '../../store/datasetsStore.ts';
import { useRunsStore } from '../../store/runsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';

export interface SeedPreset {
  /** 'shapes', '000-arcface', '001-tracker', '002-transfer', '002-transfer-resnet18', '003-cdml', '004-expression'. */
  id: string;
  /** The file in examples/ it is: `studio train examples/<file>` trains the very same run. */
  example: string;
  title: string;
  /** One line: what it reproduces from which seed report. */
  description: string;
  /** The generated dataset it trains on: the example's synthetic source, stored as a demo dataset. */
  demo: DemoKind;
  demoOptions: Required<DemoDatasetOptions>;
  /** The example's RunSpec; data.source is filled with the demo dataset when the preset is used. */
  spec: RunSpecInput;
  /** What the Evaluate page shows for the trained run, in the seed's own terms. */
  evaluation: string;
}

/** Filled in by applyPreset with the demo dataset's id and version. */
const unsetSource = { kind: 'indexeddb', datasetId: '' } as const;

interface ExampleSpec {
  data: { source: { kind: string; generator?: string; classes?: number; perClass?: number }; imageSize: number };
  training: { seed?: number };
}

/**
 * A Home card from an example spec. Its data source names a generator; the studio stores
 * that generator's images (at the spec's image size, with its training seed, as the CLI
 * generates them) as a demo dataset, so the browser and `studio train` see the same pixels.
 */
function fromExample(file: string, json: ExampleSpec, card: Pick<SeedPreset, 'id' | 'title' | 'description' | 'evaluation'>): SeedPreset {
  const source = json.data.source;
  if (source.kind !== 'synthetic' || !source.generator || !source.classes || !source.perClass || json.training.seed === undefined) {
    throw new Error(`examples/${file}: a Home card needs a synthetic data source with classes, perClass and a training seed`);
  }
  return {
    ...card,
    example: file,
    demo: source.generator as DemoKind,
    demoOptions: { classes: source.classes, perClass: source.perClass, imageSize: json.data.imageSize, seed: json.training.seed },
    spec: { ...(json as unknown as RunSpecInput), data: { ...(json as unknown as RunSpecInput).data, source: unsetSource } },
  };
}

/**
 * The shapes demo and the five seed workflows (002 with its ResNet-18 side), each exactly an
 * example in examples/: the seed's loss, optimizer, schedule and augmentation at a size that
 * reaches its target on a laptop's CPU in a couple of minutes (docs/recipes.md).
 */
export const seedPresets: SeedPreset[] = [
  fromExample('shapes-demo.json', exampleShapes, {
    id: 'shapes',
    title: 'Shapes in a minute',
    description: 'A small CNN learns three generated shapes: the quickest way to see the studio train.',
    evaluation: 'Confusion matrix, per-class scores and the images behind each cell.',
  }),
  fromExample('000-arcface-verification.json', example000, {
    id: '000-arcface',
    title: 'ArcFace face verification',
    description: 'Seed 000: an embedding trained with the ArcFace margin, AdamW and warmup + cosine, scored by EER on people it never saw; it starts from face-api.js’ pretrained face descriptor, shipped with the studio.',
    evaluation: 'Verification on unseen identities: similarity histograms, ROC and AUC, DET, EER and the threshold slider (FAR / FRR).',
  }),
  fromExample('001-face-tracker.json', example001, {
    id: '001-tracker',
    title: 'Two-head face tracker',
    description: 'Seed 001: a VGG-16 with a class head (face or not) and a box head, trained on box + 0.5 · class loss with Adam.',
    evaluation: 'Predicted vs true boxes over the images, IoU histogram, precision at IoU ≥ 0.5 above the 0.9 class-confidence cut.',
  }),
  fromExample('002-transfer-classification.json', example002, {
    id: '002-transfer',
    title: 'Transfer-learning classifier',
    description: 'Seed 002: MobileNetV2 with a BN + LeakyReLU + dropout head, AdamW, StepLR and early stopping on val_loss.',
    evaluation: 'Confusion matrix and per-class scores; train the ResNet-18 recipe too and overlay both in Runs.',
  }),
  fromExample('002-transfer-classification-resnet18.json', example002resnet18, {
    id: '002-transfer-resnet18',
    title: 'Transfer-learning classifier: ResNet-18 side',
    description: 'Seed 002 compares backbones: the same head, data and schedule on ResNet-18, to overlay with the MobileNetV2 run in Runs.',
    evaluation: 'The same views as the MobileNetV2 run; select both in Runs to compare curves and the spec difference (the backbone).',
  }),
  fromExample('003-cdml-verification.json', example003, {
    id: '003-cdml',
    title: 'CDML face embeddings',
    description: 'Seed 003: face embeddings trained with the dynamic-margin CDML loss and AdamW, from face-api.js’ pretrained descriptor; scored by EER and 10-fold verification accuracy.',
    evaluation: 'Verification: EER, 10-fold accuracy, DET; the model cost table (params, FLOPs, latency on this device).',
  }),
  fromExample('004-expression-recognition.json', example004, {
    id: '004-expression',
    title: 'Facial expression model',
    description: 'Seed 004: seven expressions on generated faces, with mixup, label smoothing, OneCycle, gradient accumulation and clipping, fine-tuning face-api.js’ expression network (shipped, offline) whole. The seed’s EfficientNet-B0 needs ImageNet weights to learn this in minutes: choose it under Model and Initial weights when online.',
    evaluation: 'Confidence bands (use ≥ 90 %, caution 70–90 %, review), reliability diagram with ECE, then ONNX export.',
  }),
];

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
  const dataset = await useDatasetsStore.getState().ensureDemo(preset.demo, preset.demoOptions);
  openPresetDraft(preset, presetSpecFor(preset, dataset), dataset.id);
}

/** Opens the Train page on `spec` (a recipe's draft) and on the newest run of that spec's name on the dataset, or on none. */
export function openPresetDraft(preset: SeedPreset, spec: RunSpecInput, datasetId: string): void {
  const session = useSessionStore.getState();
  session.setDraft(spec, datasetId, preset.id);
  const runs = useRunsStore.getState();
  runs.focus(runs.runs.find((r) => r.spec.name === spec.name && r.datasetId === datasetId)?.id);
  session.navigate('train');
}
