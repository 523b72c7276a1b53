import { formatBytes } from '../storage/formatBytes.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import { sampleProblem } from '../storage/sampleProblem.ts';
import { StorageFullError } from '../storage/storageFullError.ts';
import { ensureSpace } from '../storage/storageQuota.ts';
import type { DatasetOrigin, DatasetRecord, StagedSample } from '../storage/storageRecords.ts';
import { expandEntries } from './expandEntries.ts';
import type { ImageProbe, ProbedImage } from './imageProbe.ts';
import { planImport, type ImageJob } from './planImport.ts';
import { ProgressMeter } from './progressMeter.ts';
import { sha256Hex } from './sha256Hex.ts';
import { byPath, DuplicateFinder, skipReasons, sniffImportable } from '../core/data/importPolicy.ts';

/** One file offered for import, with its path relative to what the user dropped or picked ("cats/01.jpg", "faces.zip"). */
export interface ImportEntry {
  path: string;
  file: Blob;
}

/** A file that did not import, and why; everything else still imports. */
export interface BadFile {
  path: string;
  reason: string;
}

export interface ImportProgress {
  /** Files examined so far, of `total` (zip members count once extracted). */
  done: number;
  total: number;
  imported: number;
  bad: number;
  bytes: number;
  /** Files per second since the start. */
  filesPerSec: number;
  /** Seconds left at the rate so far; Infinity until a file is done. */
  etaSec: number;
}

export interface ImportReport {
  /** The dataset after the import. After a cancelled import into a new dataset, the record that was created and removed again. */
  dataset: DatasetRecord;
  imported: number;
  bad: BadFile[];
  /** True when the signal aborted the import; nothing of it was committed. */
  cancelled: boolean;
}

export interface ImportOptions {
  /** Add to this dataset, or create a new one with this name. */
  /** Add to this dataset, or create a new one with this name (origin 'import' unless told, e.g. 'webcam'). */
  target: { datasetId: string } | { newName: string; origin?: DatasetOrigin };
  /** Class for loose images with no folder and no JSON label (webcam bursts, a single dropped image). */
  defaultClass?: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** Decodes each image to check it and make its thumbnail: browserProbe in the studio. */
  probe: ImageProbe;
  /** The storage check before and during the import (ensureSpace on navigator.storage unless given); tests pass their own. */
  ensureSpace?: (bytes: number, what: string) => Promise<void>;
}

/** Room asked for beyond the images' own bytes: thumbnails and IndexedDB's overhead. */
const SPACE_MARGIN = 1.2;
/** Files between storage checks: often enough to stop before the disk fills, rarely enough to cost nothing. */
const RECHECK_EVERY = 50;
/** Longest stretch of work between yields to the event loop, so the page keeps painting. */
const SLICE_MS = 16;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The probe's message without the file name it starts with: the report already names the file. */
const reasonFrom = (e: unknown, path: string) => messageOf(e).replace(`${path}: `, '');

/** The whole bytes as an ArrayBuffer, copying only when they are a view into something larger. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}

/**
 * Imports images into a dataset: folders (folder name = class), zip archives, loose
 * images, and per-image JSON labels (`class`, `bbox`) beside their images. Every bad
 * file is reported with its reason while the rest import; storage quota is checked
 * before and during; the samples are committed in one transaction at the end, so a
 * failure or a cancel never leaves a half-written dataset.
 *
 * Image bytes are stored as they go (content-addressed, so shared and idempotent); on a
 * cancel or an error those staged bytes are discarded and a dataset the
 * import created is deleted. A StorageFullError is rethrown saying nothing was imported.
 */
export async function importFiles(repo: DatasetRepo, entries: ImportEntry[], options: ImportOptions): Promise<ImportReport> {
  const { probe, signal, target } = options;
  const checkSpace = options.ensureSpace ?? ((bytes: number, what: string) => ensureSpace(bytes, what));
  let dataset: DatasetRecord;
  if ('datasetId' in target) {
    const found = await repo.get(target.datasetId);
    if (!found) throw new Error(`cannot import: there is no dataset with id "${target.datasetId}" (was it deleted?); nothing was imported`);
    dataset = found;
  } else {
    if (target.newName.trim() === '') throw new Error('cannot import into a new dataset with an empty name; nothing was imported');
    dataset = await repo.create(target.newName, target.origin ?? 'import');
  }
  const unchanged = 'newName' in target ? `no dataset '${dataset.name}' was created` : `dataset '${dataset.name}' is unchanged`;

  const bad: BadFile[] = [];
  const staged: StagedSample[] = [];
  const pathOf = new Map<string, string>();
  try {
    const expanded = await expandEntries(entries, signal);
    const plan = await planImport(expanded.files, options.defaultClass);
    bad.push(...expanded.bad, ...plan.bad);
    const meter = new ProgressMeter(expanded.files.length + expanded.bad.length, options.onProgress);
    meter.done = plan.labelCount + expanded.bad.length;
    meter.bad = bad.length;
    let remaining = plan.images.reduce((n, job) => n + job.file.size, 0);
    const what = `importing ${plan.images.length} images (${formatBytes(remaining)}) into '${dataset.name}'`;
    if (!signal?.aborted) await checkSpace(remaining * SPACE_MARGIN, what);

    let lastYield = performance.now();
    // Path order, as the folder source takes them: of two identical pictures the same one is kept everywhere.
    const jobs = [...plan.images].sort((a, b) => byPath(a.file.path, b.file.path));
    const duplicates = new DuplicateFinder();
    for (const [index, job] of jobs.entries()) {
      if (signal?.aborted) break;
      if (index > 0 && index % RECHECK_EVERY === 0) await checkSpace(remaining * SPACE_MARGIN, what);
      const outcome = await examine(job, probe, pathOf, duplicates);
      if ('reason' in outcome) bad.push({ path: job.file.path, reason: outcome.reason });
      else {
        const { sample, bytes, type, probed } = outcome;
        await repo.putBlob({ hash: sample.hash, type, bytes, width: probed.width, height: probed.height }, { hash: sample.hash, ...probed.thumb });
        staged.push(sample);
        pathOf.set(sample.hash, job.file.path);
      }
      remaining -= job.file.size;
      meter.done++;
      meter.bytes += job.file.size;
      meter.imported = staged.length;
      meter.bad = bad.length;
      meter.tick();
      if (performance.now() - lastYield >= SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
    if (signal?.aborted) {
      await rollback(repo, 'newName' in target ? dataset.id : undefined, staged);
      meter.imported = 0;
      meter.tick(true);
      return { dataset, imported: 0, bad, cancelled: true };
    }
    const committed = await repo.commitSamples(dataset.id, staged);
    for (const d of committed.duplicates) bad.push({ path: pathOf.get(d.hash) ?? d.name, reason: 'already in the dataset' });
    meter.imported = staged.length - committed.duplicates.length;
    meter.bad = bad.length;
    meter.tick(true);
    return { dataset: committed.dataset, imported: meter.imported, bad, cancelled: false };
  } catch (e) {
    await rollback(repo, 'newName' in target ? dataset.id : undefined, staged);
    if (e instanceof StorageFullError) throw new StorageFullError(`Nothing was imported: ${unchanged}. ${e.message}`, e.needed, e.available);
    throw new Error(`importing into '${dataset.name}' failed: ${messageOf(e)}. Nothing was imported; ${unchanged}.`, { cause: e });
  }
}

type Outcome = { reason: string } | { sample: StagedSample; bytes: ArrayBuffer; type: string; probed: ProbedImage };

/**
 * Reads, checks and labels one image under the core's import policy (`importPolicy.ts`, the
 * folder source's too): empty or not an image by its bytes, then a label problem, then an
 * image that does not decode, then the same pixels as an earlier file. A problem with the
 * file is an outcome, not an error.
 */
async function examine(job: ImageJob, probe: ImageProbe, pathOf: ReadonlyMap<string, string>, duplicates: DuplicateFinder): Promise<Outcome> {
  const path = job.file.path;
  let bytes: Uint8Array;
  try {
    bytes = await job.file.read();
  } catch (e) {
    return { reason: `cannot read the file (${reasonFrom(e, path)})` };
  }
  const sniffed = sniffImportable(bytes, path);
  if ('reason' in sniffed) return sniffed;
  const { type } = sniffed;
  if ('problem' in job.label) return { reason: job.label.problem };
  const hash = await sha256Hex(bytes);
  // The same bytes are the same pixels: say so without decoding them again.
  const first = pathOf.get(hash);
  if (first !== undefined) return { reason: skipReasons.duplicate(first) };
  let probed: ProbedImage;
  try {
    probed = await probe(bytes, path, type);
  } catch {
    // The decoder's own words vary by browser and by run; the policy's do not.
    return { reason: skipReasons.corrupt(type) };
  }
  const duplicate = duplicates.check(probed.pixelHash, path);
  if (duplicate !== undefined) return { reason: duplicate };
  const sample: StagedSample = { id: hash, hash, name: job.name, className: job.label.className, width: probed.width, height: probed.height };
  if (job.label.bbox) sample.bbox = job.label.bbox;
  const problem = sampleProblem(sample);
  if (problem) return { reason: `cannot be stored: ${problem}` };
  return { sample, bytes: ownBuffer(bytes), type, probed };
}

/**
 * Undoes an import that will not commit: deletes the dataset it created, then sweeps the
 * bytes it staged. A failure here is left for the next sweep: the error or cancel being
 * reported matters more, and unreferenced bytes are invisible until then.
 */
async function rollback(repo: DatasetRepo, createdId: string | undefined, staged: StagedSample[]): Promise<void> {
  try {
    if (createdId) await repo.delete(createdId);
    await repo.discardStaged(staged.map((s) => s.hash));
  } catch {
    // See above: reported errors take precedence; leftovers are swept later.
  }
}
