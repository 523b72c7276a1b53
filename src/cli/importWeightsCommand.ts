import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildModel } from '../core/models/buildModel.ts';
import { FACE_API_NORMALIZATION, FACE_RECOGNITION_EMBEDDING } from '../core/models/faceRecognitionNet.ts';
import { importFaceApiWeights } from '../core/pretrained/importFaceApiWeights.ts';
import { describeWeightLoadReport } from '../core/pretrained/importNamedWeights.ts';
import { identifyTorchArchitecture } from '../core/pretrained/identifyTorchArchitecture.ts';
import { importTorchWeights } from '../core/pretrained/importTorchWeights.ts';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import { torchModuleNamer, weightNamings, type WeightNaming } from '../core/pretrained/torchModuleNames.ts';
import { architectures, modelConvention, parseRunSpec, type Architecture, type RunSpecInput } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { readWeights } from '../core/train/weightTransfer.ts';
import { Rng } from '../core/util/rng.ts';
import { stableHash } from '../core/util/stableHash.ts';
import { initNodeBackend } from '../node/backend.ts';
import { faceApiModelDir, readFaceApiWeights } from '../node/readFaceApiWeights.ts';
import { readWeightsFile } from '../node/readWeightsFile.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';
import { UsageError } from './usageError.ts';

/** Classes of the ImageNet classifiers torchvision ships. */
const IMAGENET_CLASSES = 1000;
/** The input dlib trained its face network at. */
const FACE_API_INPUT = 150;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return Number(value);
}

function parseImportArgs(args: string[]) {
  return parseCommandArgs(args, {
    arch: { type: 'string' },
    classes: { type: 'string' },
    input: { type: 'string' },
    names: { type: 'string' },
    labels: { type: 'string' },
    out: { type: 'string' },
  });
}
type ImportArgs = ReturnType<typeof parseImportArgs>;

/**
 * Turns a PyTorch safetensors file (a path or an https URL, cached after the first
 * download) into a run directory whose final checkpoint holds its weights, so `studio eval`,
 * `export`, `predict` and `initialWeights: {from: "checkpoint"}` take it like a trained run.
 * The spec carries the source's preprocessing (ImageNet mean and std for torchvision's
 * classifiers, (x − 0.5)/0.5 for insightface's IResNet).
 */
export async function importWeightsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseImportArgs(args);
  const source = positionals[0];
  if (!source) throw new UsageError('give a .safetensors file or an https URL, e.g. studio import-weights resnet18.safetensors --arch resnet18 --out runs/resnet18-imagenet (or face-api --arch faceRecognitionNet)');
  const arch = values.arch as Architecture | undefined;
  if (!arch || !architectures.includes(arch)) throw new UsageError(`--arch must be one of ${architectures.join(', ')}, got ${arch === undefined ? 'nothing' : `"${arch}"`}`);
  if (arch === 'faceRecognitionNet') return importFaceApi(source, values);
  if (arch === 'faceExpressionNet') {
    throw new UsageError('faceExpressionNet starts from face-api\'s weights inside a run: put initialWeights {"from": "faceApi"} in the spec (examples/004-expression-recognition.json does), so its head is trained for your classes');
  }
  if (!torchModuleNamer(arch)) throw new UsageError(`${arch} is the studio's own model: it has no PyTorch definition to take weights from`);
  if (values.names !== undefined && !weightNamings.includes(values.names as WeightNaming)) throw new UsageError(`--names must be ${weightNamings.join(' or ')}, got "${values.names}"`);
  if (!values.out) throw new UsageError('--out RUN_DIR is required: the run directory to write');
  if (existsSync(values.out) && readdirSync(values.out).length > 0) throw new Error(`${values.out} already exists and is not empty; nothing was written`);
  const embedding = arch.startsWith('iresnet');
  const input = positiveInt(values.input, '--input', embedding ? 112 : 224);
  let classNames: string[];
  if (values.labels !== undefined) {
    classNames = (await readFile(values.labels, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean);
    if (values.classes !== undefined && Number(values.classes) !== classNames.length) throw new UsageError(`--labels names ${classNames.length} classes but --classes says ${values.classes}`);
  } else {
    const n = positiveInt(values.classes, '--classes', embedding ? 1 : IMAGENET_CLASSES);
    classNames = Array.from({ length: n }, (_, i) => `class ${i}`);
  }
  let lastShown = 0;
  const file = await readWeightsFile(source, {
    onProgress: ({ received, total }) => {
      if (received - lastShown < 4 * 2 ** 20 && received !== total) return;
      lastShown = received;
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      console.error(`downloading ${source}: ${mb(received)}${total !== undefined ? ` of ${mb(total)}` : ''} MB`);
    },
  });
  if (file.cached) console.error(`read ${source} from the cache (${(file.bytes.length / 2 ** 20).toFixed(1)} MB, sha256 ${file.sha256.slice(0, 12)}…)`);
  const weights = readSafetensors(file.bytes);
  // Left out, --names follows the file: the Hub's timm files name their tensors timm's way.
  const naming = (values.names ?? (identifyTorchArchitecture(weights)?.startsWith("timm's") ? 'timm' : 'torchvision')) as WeightNaming;
  const path = /^https?:\/\//i.test(source) ? source : resolve(source);
  const spec = parseRunSpec({
    version: 2,
    name: `${arch}-imported`,
    data: { source: { kind: 'memory' }, imageSize: input, channels: 3, normalization: { preset: embedding ? 'half' : 'imagenet' } },
    model: {
      architecture: arch,
      width: 1,
      inputSize: input,
      ...(embedding ? { embeddingSize: 512 } : {}),
      initialWeights: { from: 'safetensors', path, naming },
    },
    task: { kind: embedding ? 'embedding' : 'classification' },
    loss: { type: embedding ? 'arcface' : 'crossEntropy' },
    optimizer: { type: 'sgd', lr: 0.01 },
    training: { epochs: 1, batchSize: 32 },
  } satisfies RunSpecInput);

  await initNodeBackend('cpu');
  const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: classNames.length, seed: spec.training.seed, convention: modelConvention(spec) });
  try {
    const report = importTorchWeights(model, weights, { architecture: arch, naming });
    for (const line of describeWeightLoadReport(report)) console.error(line);
    const run = new RunDirectory(values.out);
    await run.init(spec);
    await run.writeCheckpoint(await importedCheckpoint(model, spec, classNames), 'final');
    await writeFile(join(values.out, 'import-report.json'), JSON.stringify({ source, sha256: file.sha256, bytes: file.bytes.length, ...report }, null, 2) + '\n');
    await run.saveModel(model);
    console.log(`wrote ${values.out}: ${arch}, ${input} px, ${classNames.length} classes, weights from ${source}`);
  } finally {
    model.dispose();
  }
}

/** A run's final checkpoint holding `model`'s weights, as a run that trained zero steps would write it. */
async function importedCheckpoint(model: ReturnType<typeof buildModel>, spec: ReturnType<typeof parseRunSpec>, classNames: string[]): Promise<Checkpoint> {
  return {
    format: 'studio-checkpoint/1',
    specHash: stableHash(spec),
    epoch: 0,
    step: 0,
    rngState: new Rng(spec.training.seed).getState(),
    weights: await readWeights(model),
    extraWeights: [],
    optimizer: { type: spec.optimizer.type, iterations: 0, slots: [] },
    classNames,
    time: Date.now(),
  };
}

/**
 * face-api.js' face recognition weights (`face-api`: the installed @vladmandic/face-api
 * package, or a folder holding face_recognition_model-weights_manifest.json and its .bin)
 * as a faceRecognitionNet run: an embedding model at 150 px with face-api's preprocessing.
 */
async function importFaceApi(source: string, values: ImportArgs['values']): Promise<void> {
  if (values.names !== undefined || values.labels !== undefined) throw new UsageError('--names and --labels do not apply to face-api weights (an embedding model, face-api.js names)');
  if (!values.out) throw new UsageError('--out RUN_DIR is required: the run directory to write');
  if (existsSync(values.out) && readdirSync(values.out).length > 0) throw new Error(`${values.out} already exists and is not empty; nothing was written`);
  const input = positiveInt(values.input, '--input', FACE_API_INPUT);
  const classes = positiveInt(values.classes, '--classes', 1);
  const dir = source === 'face-api' ? faceApiModelDir() : resolve(source);
  // Decoding the file makes tensors: the backend comes first.
  await initNodeBackend('cpu');
  const weights = await readFaceApiWeights(dir);
  const spec = parseRunSpec({
    version: 2,
    name: 'faceRecognitionNet-face-api',
    data: { source: { kind: 'memory' }, imageSize: input, channels: 3, normalization: FACE_API_NORMALIZATION },
    model: { architecture: 'faceRecognitionNet', width: 1, inputSize: input, embeddingSize: FACE_RECOGNITION_EMBEDDING },
    task: { kind: 'embedding' },
    loss: { type: 'arcface' },
    optimizer: { type: 'sgd', lr: 0.01 },
    training: { epochs: 1, batchSize: 32 },
  } satisfies RunSpecInput);
  const classNames = Array.from({ length: classes }, (_, i) => `class ${i}`);
  const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: classes, seed: spec.training.seed, convention: modelConvention(spec) });
  try {
    const report = importFaceApiWeights(model, weights);
    for (const line of describeWeightLoadReport(report)) console.error(line);
    const run = new RunDirectory(values.out);
    await run.init(spec);
    await run.writeCheckpoint(await importedCheckpoint(model, spec, classNames), 'final');
    await writeFile(join(values.out, 'import-report.json'), JSON.stringify({ source: dir, ...report }, null, 2) + '\n');
    await run.saveModel(model);
    console.log(`wrote ${values.out}: faceRecognitionNet, ${input} px, face-api.js weights from ${dir}`);
  } finally {
    model.dispose();
  }
}
