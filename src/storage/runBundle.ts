import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { z } from 'zod';
import { checkDatasetManifest, type DatasetManifest } from '../core/data/datasetManifest.ts';
import { validateRunSpec } from '../core/spec/runSpec.ts';
import { encodeCheckpoint, type Checkpoint } from '../core/train/checkpoint.ts';
import { packCheckpoint, unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import { formatBytes } from './formatBytes.ts';
import { summarizeSamples } from './summarizeSamples.ts';
import type { BlobRecord, CheckpointSlot, DatasetOrigin, DatasetRecord, RunRecord, SampleRecord, ThumbRecord } from './storageRecords.ts';

/**
 * A run as one file (`<run>.studio-run`): how a trained model goes from one browser to
 * another (a teacher's to a class's) with nothing but a USB stick. A zip of:
 *
 *   manifest.json          format, version, the run record, which checkpoints, the dataset
 *   events.json            every event the run emitted (its curves)
 *   checkpoints/<slot>.sck each checkpoint as packCheckpoint writes it
 *   dataset/images/<hash>  with a dataset copy: each image's encoded bytes, once
 *   dataset/thumbs/<hash>  ...and its thumbnail
 *
 * unpackRunBundle checks everything a hostile or damaged file could get wrong before the
 * caller stores anything; what it returns is safe to write as it is.
 */
export const RUN_BUNDLE_FORMAT = 'studio-run-bundle';
export const RUN_BUNDLE_VERSION = 1;
export const RUN_BUNDLE_EXTENSION = '.studio-run';

/** Caps on what one entry may inflate to, checked from the zip's directory before anything is inflated. */
export const RUN_BUNDLE_LIMITS = {
  manifest: 16 * 2 ** 20,
  events: 256 * 2 ** 20,
  checkpoint: 1024 * 2 ** 20,
  image: 64 * 2 ** 20,
  /** All entries together: many small entries that inflate a thousandfold (a zip bomb) must not exhaust the tab's memory. */
  total: 2048 * 2 ** 20,
} as const;

/** A copy of the dataset the run trained on: enough to evaluate it in a browser that never saw the data. */
export interface RunBundleDatasetCopy {
  kind: 'copy';
  record: DatasetRecord;
  samples: SampleRecord[];
  blobs: BlobRecord[];
  thumbs: ThumbRecord[];
}

/** Only which dataset the run trained on: Try it works, Evaluate needs the same data in the receiving browser. */
export interface RunBundleDatasetReference {
  kind: 'reference';
  id: string;
  name: string;
  version: string;
}

export interface RunBundle {
  run: RunRecord;
  events: TrainEvent[];
  checkpoints: { slot: CheckpointSlot; checkpoint: Checkpoint }[];
  /** None for a run on generated (synthetic) data. */
  dataset?: RunBundleDatasetCopy | RunBundleDatasetReference;
}

const SLOTS = ['last', 'best', 'final'] as const;
const STATUSES = ['queued', 'loading', 'running', 'paused', 'completed', 'earlyStopped', 'stopped', 'nonFiniteLoss', 'failed', 'interrupted'] as const;
const ORIGINS = ['import', 'demo', 'merge', 'webcam', 'companion'] as const satisfies readonly DatasetOrigin[];
const SHA256 = /^[0-9a-f]{64}$/;
const count = z.number().int().min(0);
const metrics = z.record(z.string(), z.number());
const best = z.object({ epoch: count, monitor: z.string(), value: z.number() });

const runSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(500),
  tags: z.array(z.string().max(200)).max(100),
  spec: z.unknown(),
  specHash: z.string().max(100),
  datasetId: z.string().max(200).optional(),
  datasetName: z.string().max(500).optional(),
  datasetVersion: z.string().max(100).optional(),
  architecture: z.string().max(200),
  status: z.enum(STATUSES),
  message: z.string().max(10_000).optional(),
  initialWeightsReport: z.array(z.string().max(10_000)).max(1000).optional(),
  backend: z.string().max(200).optional(),
  adapter: z.string().max(500).optional(),
  createdAt: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  activeSec: z.number().min(0),
  epochsDone: count,
  step: count,
  totalSteps: count.optional(),
  lastMetrics: metrics.optional(),
  best: best.optional(),
  test: metrics.optional(),
  classNames: z.array(z.string()).optional(),
  resumeFrom: z.object({ epoch: count, step: count }).optional(),
});

const imageSchema = z.object({
  hash: z.string().regex(SHA256, { error: 'must be a lowercase hex SHA-256 (64 digits)' }),
  type: z.string().min(1).max(100),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  thumbType: z.string().min(1).max(100),
});

const datasetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('copy'),
    id: z.string().min(1).max(200),
    origin: z.enum(ORIGINS),
    description: z.string().max(10_000).optional(),
    createdAt: z.number(),
    /** Checked by checkDatasetManifest: sample shapes, unique ids, a version that matches the content. */
    manifest: z.unknown(),
    images: z.array(imageSchema),
  }),
  z.object({ kind: z.literal('reference'), id: z.string().min(1).max(200), name: z.string().max(500), version: z.string().max(100) }),
]);

const manifestSchema = z.object({
  format: z.literal(RUN_BUNDLE_FORMAT),
  version: z.literal(RUN_BUNDLE_VERSION),
  exportedAt: z.number(),
  run: runSchema,
  checkpoints: z.array(z.enum(SLOTS)).min(1, { error: 'the run file holds no checkpoint, so there is no model to import' }),
  dataset: datasetSchema.optional(),
});

const eventSchema = z.looseObject({
  type: z.enum(['trainBegin', 'step', 'epoch', 'checkpoint', 'trainEnd']),
  time: z.number(),
  epoch: z.number().optional(),
  step: z.number().optional(),
});

type Manifest = z.infer<typeof manifestSchema>;

/** A run file the studio cannot take: the message says what is wrong with the file; nothing was stored. */
export class RunBundleError extends Error {
  constructor(problem: string, options?: ErrorOptions) {
    super(`this is not a run file the studio can import: ${problem}. Nothing was imported.`, options);
    this.name = 'RunBundleError';
  }
}

const checkpointFile = (slot: CheckpointSlot) => `checkpoints/${slot}.sck`;
const imageFile = (hash: string) => `dataset/images/${hash}`;
const thumbFile = (hash: string) => `dataset/thumbs/${hash}`;

/** The bundle as the bytes of one zip file. Images are stored, not deflated: they are compressed already. */
export function packRunBundle(bundle: RunBundle, exportedAt: number = Date.now()): Uint8Array<ArrayBuffer> {
  // A companion's job id means nothing in another browser; the run arrives as a local one.
  const { remote: _remote, ...run } = bundle.run;
  const files: Zippable = {};
  const manifest: Manifest = {
    format: RUN_BUNDLE_FORMAT,
    version: RUN_BUNDLE_VERSION,
    exportedAt,
    run,
    checkpoints: bundle.checkpoints.map((c) => c.slot),
  };
  for (const { slot, checkpoint } of bundle.checkpoints) {
    const { manifest: tensors, data } = encodeCheckpoint(checkpoint);
    files[checkpointFile(slot)] = packCheckpoint(tensors, new Uint8Array(data));
  }
  const dataset = bundle.dataset;
  if (dataset?.kind === 'reference') manifest.dataset = dataset;
  if (dataset?.kind === 'copy') {
    const thumbs = new Map(dataset.thumbs.map((t) => [t.hash, t]));
    const samples: DatasetManifest = {
      format: 'studio-dataset/1',
      version: dataset.record.version,
      name: dataset.record.name,
      samples: dataset.samples.map((s) => ({
        id: s.id,
        hash: s.hash,
        name: s.name,
        className: s.className,
        ...(s.identity !== undefined ? { identity: s.identity } : {}),
        ...(s.bbox !== undefined ? { bbox: s.bbox } : {}),
      })),
    };
    manifest.dataset = {
      kind: 'copy',
      id: dataset.record.id,
      origin: dataset.record.origin,
      ...(dataset.record.description !== undefined ? { description: dataset.record.description } : {}),
      createdAt: dataset.record.createdAt,
      manifest: samples,
      images: dataset.blobs.map((b) => {
        const thumb = thumbs.get(b.hash);
        if (!thumb) throw new Error(`image ${b.hash.slice(0, 12)} of dataset '${dataset.record.name}' has no thumbnail; nothing was exported`);
        files[imageFile(b.hash)] = [new Uint8Array(b.bytes), { level: 0 }];
        files[thumbFile(b.hash)] = [new Uint8Array(thumb.bytes), { level: 0 }];
        return { hash: b.hash, type: b.type, width: b.width, height: b.height, thumbType: thumb.type };
      }),
    };
  }
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  files['events.json'] = strToU8(JSON.stringify(bundle.events));
  // zipSync allocates its output as a plain ArrayBuffer; the type says so, so that a Blob takes it.
  return zipSync(files, { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/**
 * Reads and checks a run file. Throws a RunBundleError naming the first problem found: not
 * a zip, truncated, another format or version, a part missing or too large, a run or spec
 * or event that does not parse, a checkpoint that does not decode, an image whose bytes do
 * not match its hash, a dataset whose content does not match its version.
 *
 * Checkpoint tensors are checked here for consistency (each shape holds exactly its
 * floats); whether they fit the model the spec builds needs the model, which the caller
 * checks where it has one (the engine's checkCheckpoint).
 */
export async function unpackRunBundle(bytes: Uint8Array): Promise<RunBundle> {
  const entries = unzip(bytes);
  const manifest = readManifest(entries);
  const run = readRun(manifest);
  const events = readEvents(entries);
  const checkpoints = manifest.checkpoints.map((slot) => ({ slot, checkpoint: readCheckpoint(entries, slot, run) }));
  const dataset = manifest.dataset?.kind === 'copy' ? await readDataset(entries, manifest.dataset, run) : manifest.dataset;
  return { run, events, checkpoints, ...(dataset ? { dataset } : {}) };
}

type Entries = Record<string, Uint8Array>;

function unzip(bytes: Uint8Array): Entries {
  const tooLarge: string[] = [];
  let total = 0;
  let entries: Entries;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        const cap = limitOf(file.name);
        if (cap === undefined) return false;
        if (file.originalSize > cap) {
          tooLarge.push(`${file.name} would unpack to ${formatBytes(file.originalSize)}, more than the ${formatBytes(cap)} a run file's ${file.name.split('/')[0]} may hold`);
          return false;
        }
        total += file.originalSize;
        if (total > RUN_BUNDLE_LIMITS.total) {
          tooLarge.push(`the run file would unpack to more than ${formatBytes(RUN_BUNDLE_LIMITS.total)}, more than a run file may hold`);
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    // Every zip starts with a local file header ("PK\x03\x04"); one that does but will not open lost its end.
    const zipStart = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
    if (!zipStart) throw new RunBundleError('the file is not a zip archive (a run file is one)', { cause: e });
    throw new RunBundleError(`the zip archive is truncated or damaged (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (tooLarge.length > 0) throw new RunBundleError(tooLarge[0]);
  return entries;
}

function limitOf(name: string): number | undefined {
  if (name === 'manifest.json') return RUN_BUNDLE_LIMITS.manifest;
  if (name === 'events.json') return RUN_BUNDLE_LIMITS.events;
  if (/^checkpoints\/(last|best|final)\.sck$/.test(name)) return RUN_BUNDLE_LIMITS.checkpoint;
  if (/^dataset\/(images|thumbs)\/[0-9a-f]{64}$/.test(name)) return RUN_BUNDLE_LIMITS.image;
  // Anything else is not part of the format and is never inflated.
  return undefined;
}

function readJson(entries: Entries, name: string): unknown {
  const bytes = entries[name];
  if (!bytes) throw new RunBundleError(`it has no ${name}`);
  try {
    return JSON.parse(strFromU8(bytes));
  } catch (e) {
    throw new RunBundleError(`${name} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

function issues(error: z.ZodError, where: string): string {
  const shown = error.issues.slice(0, 3).map((i) => `${[where, ...i.path].join('.')}: ${i.message}`);
  const more = error.issues.length > 3 ? ` and ${error.issues.length - 3} more` : '';
  return shown.join('; ') + more;
}

function readManifest(entries: Entries): Manifest {
  const value = readJson(entries, 'manifest.json');
  const head = z.object({ format: z.unknown(), version: z.unknown() }).safeParse(value);
  if (!head.success || head.data.format !== RUN_BUNDLE_FORMAT) {
    throw new RunBundleError(`manifest.json is not a studio run manifest (format ${JSON.stringify(head.success ? head.data.format : undefined)}, expected "${RUN_BUNDLE_FORMAT}")`);
  }
  if (head.data.version !== RUN_BUNDLE_VERSION) {
    const newer = typeof head.data.version === 'number' && head.data.version > RUN_BUNDLE_VERSION;
    throw new RunBundleError(
      `it is format version ${JSON.stringify(head.data.version)}, and this studio reads version ${RUN_BUNDLE_VERSION}` + (newer ? ': update the studio to import it' : ''),
    );
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) throw new RunBundleError(`manifest.json is malformed (${issues(parsed.error, 'manifest')})`);
  return parsed.data;
}

function readRun(manifest: Manifest): RunRecord {
  const spec = validateRunSpec(manifest.run.spec);
  if (!spec.ok) {
    const lines = spec.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
    throw new RunBundleError(`the run's spec is invalid (${lines.join('; ')}${spec.problems.length > 3 ? ` and ${spec.problems.length - 3} more` : ''})`);
  }
  return { ...manifest.run, spec: spec.spec };
}

function readEvents(entries: Entries): TrainEvent[] {
  const parsed = z.array(eventSchema).safeParse(readJson(entries, 'events.json'));
  if (!parsed.success) throw new RunBundleError(`events.json is malformed (${issues(parsed.error, 'events')})`);
  return parsed.data as unknown as TrainEvent[];
}

function readCheckpoint(entries: Entries, slot: CheckpointSlot, run: RunRecord): Checkpoint {
  const name = checkpointFile(slot);
  const bytes = entries[name];
  if (!bytes) throw new RunBundleError(`the manifest lists the '${slot}' checkpoint, but ${name} is missing`);
  let checkpoint: Checkpoint;
  try {
    checkpoint = unpackCheckpoint(bytes);
  } catch (e) {
    throw new RunBundleError(`${name} does not decode (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const tensors = [...checkpoint.weights, ...checkpoint.extraWeights, ...checkpoint.optimizer.slots.flatMap((s) => s.tensors.map((t, i) => ({ ...t, name: `${s.name}/${i}` })))];
  for (const t of tensors) {
    const shapeOk = Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0);
    const size = shapeOk ? t.shape.reduce((a, b) => a * b, 1) : NaN;
    if (size !== t.data.length) {
      throw new RunBundleError(`${name}: tensor ${t.name} has shape ${JSON.stringify(t.shape)} but ${t.data.length} values`);
    }
  }
  if (!Array.isArray(checkpoint.classNames) || checkpoint.classNames.length === 0) {
    throw new RunBundleError(`${name} names no classes, so its model head cannot be rebuilt`);
  }
  if (checkpoint.specHash !== run.specHash) {
    throw new RunBundleError(`${name} belongs to spec ${String(checkpoint.specHash)}, not to the run's spec ${run.specHash}`);
  }
  return checkpoint;
}

async function readDataset(entries: Entries, dataset: Extract<Manifest['dataset'], { kind: 'copy' }>, run: RunRecord): Promise<RunBundleDatasetCopy> {
  const check = checkDatasetManifest(dataset.manifest);
  if (!check.ok) throw new RunBundleError(`the dataset copy is malformed (${check.problems.slice(0, 3).join('; ')})`);
  const { manifest } = check;
  const trainedOn = run.spec.data.source.kind === 'indexeddb' ? run.spec.data.source.version : undefined;
  if (trainedOn !== undefined && trainedOn !== manifest.version) {
    throw new RunBundleError(`the dataset copy is version ${manifest.version}, but the run trained on version ${trainedOn}`);
  }
  const images = new Map(dataset.images.map((i) => [i.hash, i]));
  const blobs: BlobRecord[] = [];
  const thumbs: ThumbRecord[] = [];
  for (const image of images.values()) {
    const bytes = entries[imageFile(image.hash)];
    const thumb = entries[thumbFile(image.hash)];
    if (!bytes || !thumb) throw new RunBundleError(`the dataset copy lists image ${image.hash.slice(0, 12)}, but its ${bytes ? 'thumbnail' : 'bytes'} are missing`);
    // Images are shared by content across datasets: bytes under another image's hash would change that image everywhere.
    const actual = await sha256Hex(bytes);
    if (actual !== image.hash) throw new RunBundleError(`image ${image.hash.slice(0, 12)}'s bytes hash to ${actual.slice(0, 12)}: the file is damaged`);
    blobs.push({ hash: image.hash, type: image.type, bytes: bytes.slice().buffer, width: image.width, height: image.height });
    thumbs.push({ hash: image.hash, type: image.thumbType, bytes: thumb.slice().buffer });
  }
  const now = Date.now();
  const samples = manifest.samples.map((s): SampleRecord => {
    const image = images.get(s.hash);
    if (!image) throw new RunBundleError(`sample ${s.name} of the dataset copy has no image ${s.hash.slice(0, 12)} in the file`);
    return { ...s, datasetId: dataset.id, width: image.width, height: image.height, addedAt: now };
  });
  const record: DatasetRecord = {
    id: dataset.id,
    name: manifest.name,
    createdAt: dataset.createdAt,
    updatedAt: now,
    ...summarizeSamples(samples),
    origin: dataset.origin,
    ...(dataset.description !== undefined ? { description: dataset.description } : {}),
  };
  return { kind: 'copy', record, samples, blobs, thumbs };
}
