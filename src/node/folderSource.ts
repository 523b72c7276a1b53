import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { byPath, DuplicateFinder, importCounts, pixelHash, skipReasons, sniffImportable, type ImportCounts } from '../core/data/importPolicy.ts';
import { parseLabelJson } from '../core/data/labelJson.ts';
import type { BadSample, DecodedImage, SampleRef, SampleSource } from '../core/data/sampleSource.ts';
import { decodeImageFile } from './decodeImage.ts';

export interface FolderSourceOptions {
  /** 'folders': root/<class>/…/<image>; 'json': a label JSON beside each image or in a parallel labels/ folder. */
  labels: 'folders' | 'json';
}

const extensionOf = (file: string) => path.posix.extname(file).slice(1).toLowerCase();
const byCodeUnit = byPath;
/** Files read and decoded at once while listing: enough to keep the disk and libvips busy. */
const EXAMINE_LANES = 8;
/** Files an OS or archiver leaves behind; reporting them as bad samples would only be noise. */
const isSystemFile = (name: string) => name.startsWith('.') || name === '__MACOSX' || /^(thumbs\.db|desktop\.ini)$/i.test(name);

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'file not found';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a folder, not a file';
  return err instanceof Error ? err.message : String(e);
}

/** Whether `target` is `root` or lies below it (both already resolved through symlinks). */
function isWithin(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The samples in a folder on disk (Node hosts: CLI, companion). Ids are POSIX paths relative
 * to the root, sorted, so the same folder lists the same way on every OS. `list()` reads and
 * decodes every file under the core's import policy (`importPolicy.ts`), the studio's
 * importer's too: files that cannot be used (empty, not an image by their bytes, no label, a
 * label that does not parse, an image that does not decode, the same pixels as an earlier
 * file) are kept in `badSamples` with the policy's reason while the rest load, all before
 * training starts. Nothing outside the root is ever read: `..` in ids and symlinks leading
 * out are refused.
 */
export class FolderSource implements SampleSource {
  readonly description: string;
  /** Filled by `list()`. */
  badSamples: BadSample[] = [];
  /** Filled by `list()`: files looked at, images kept, skipped (duplicates among them). */
  counts?: ImportCounts;
  private realRoot?: Promise<string>;

  constructor(
    readonly root: string,
    readonly options: FolderSourceOptions = { labels: 'folders' },
  ) {
    this.description = `folder ${root}`;
  }

  private resolvedRoot(): Promise<string> {
    this.realRoot ??= (async () => {
      let real: string;
      try {
        real = await realpath(this.root);
      } catch (e) {
        throw new Error(`data folder ${this.root}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : errorText(e)}`, { cause: e });
      }
      if (!(await stat(real)).isDirectory()) throw new Error(`data folder ${this.root}: is a file, not a folder`);
      return real;
    })();
    this.realRoot.catch(() => (this.realRoot = undefined));
    return this.realRoot;
  }

  async list(): Promise<SampleRef[]> {
    const root = await this.resolvedRoot();
    const bad: BadSample[] = [];
    const files = await walk(root, bad);
    const candidates = this.options.labels === 'json' ? await labelledByJson(root, files, bad) : labelledByFolder(files);
    candidates.sort((a, b) => byCodeUnit(a.id, b.id));
    const refs = await examine(root, candidates, bad);
    bad.sort((a, b) => byCodeUnit(a.id, b.id));
    this.badSamples = bad;
    this.counts = importCounts(refs.length, bad);
    if (refs.length === 0) {
      if (files.length === 0 && bad.length === 0) throw new Error(`data folder ${this.root} is empty`);
      const layout =
        this.options.labels === 'json' ? 'images with a label JSON beside them or in a parallel labels/ folder' : '<class>/<image> folders';
      const first = bad.slice(0, 3).map((b) => `${b.id}: ${b.reason}`);
      throw new Error(`no usable images in ${this.root} (expected ${layout}); ${bad.length} skipped, e.g.\n  ${first.join('\n  ')}`);
    }
    return refs;
  }

  async read(ref: SampleRef): Promise<DecodedImage> {
    const root = await this.resolvedRoot();
    const segments = ref.id.split('/');
    const shown = path.join(this.root, ...segments);
    if (path.posix.isAbsolute(ref.id) || ref.id.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`${shown}: sample id "${ref.id}" is not a relative path inside the data folder`);
    }
    let bytes: Uint8Array;
    try {
      const real = await realpath(path.join(root, ...segments));
      if (!isWithin(root, real)) throw new Error('it is a symbolic link that points outside the data folder');
      bytes = await readFile(real);
    } catch (e) {
      throw new Error(`${shown}: ${errorText(e)}`, { cause: e });
    }
    return decodeImageFile(bytes, shown);
  }
}

/**
 * Every regular file below `root` as a sorted POSIX relative path, following symlinks that
 * stay inside the root (once per real folder, so a link loop ends) and refusing the others.
 */
async function walk(root: string, bad: BadSample[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>([root]);
  const visit = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (!rel) throw new Error(`data folder ${root}: ${errorText(e)}`, { cause: e });
      bad.push({ id: rel, reason: `cannot open folder: ${errorText(e)}` });
      return;
    }
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
    for (const entry of entries) {
      if (isSystemFile(entry.name)) continue;
      const id = rel ? `${rel}/${entry.name}` : entry.name;
      let full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          full = await realpath(full);
        } catch {
          bad.push({ id, reason: 'broken symbolic link' });
          continue;
        }
        if (!isWithin(root, full)) {
          bad.push({ id, reason: 'symbolic link points outside the data folder' });
          continue;
        }
        try {
          const target = await stat(full);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (e) {
          bad.push({ id, reason: `cannot follow symbolic link: ${errorText(e)}` });
          continue;
        }
      }
      if (isDir) {
        if (seen.has(full)) continue;
        seen.add(full);
        await visit(full, id);
      } else if (isFile) files.push(id);
    }
  };
  await visit(root, '');
  return files;
}

/** A file to examine, with its label or why it has none (reported only if its bytes are an image). */
type Candidate = SampleRef | { id: string; problem: string };

function labelledByFolder(files: string[]): Candidate[] {
  return files.map((id) => (id.includes('/') ? { id, className: id.slice(0, id.indexOf('/')) } : { id, problem: skipReasons.noClass }));
}

/**
 * Reads and decodes every candidate (a few at once), then keeps them in path order under the
 * import policy: empty or not an image by its bytes, then a label problem, then an image that
 * does not decode, then the same pixels as an earlier file.
 */
async function examine(root: string, candidates: Candidate[], bad: BadSample[]): Promise<SampleRef[]> {
  const outcomes: ({ hash: string } | { reason: string })[] = new Array(candidates.length);
  let next = 0;
  const lane = async () => {
    while (next < candidates.length) {
      const i = next++;
      const c = candidates[i];
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path.join(root, ...c.id.split('/')));
      } catch (e) {
        outcomes[i] = { reason: `cannot read the file (${errorText(e)})` };
        continue;
      }
      const sniffed = sniffImportable(bytes, c.id);
      if ('reason' in sniffed) outcomes[i] = sniffed;
      else if ('problem' in c) outcomes[i] = { reason: c.problem };
      else {
        try {
          outcomes[i] = { hash: pixelHash(await decodeImageFile(bytes, c.id)) };
        } catch {
          outcomes[i] = { reason: skipReasons.corrupt(sniffed.type) };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(EXAMINE_LANES, candidates.length) }, lane));
  const duplicates = new DuplicateFinder();
  const refs: SampleRef[] = [];
  candidates.forEach((c, i) => {
    const outcome = outcomes[i];
    const reason = 'reason' in outcome ? outcome.reason : duplicates.check(outcome.hash, c.id);
    if (reason !== undefined) bad.push({ id: c.id, reason });
    else if (!('problem' in c)) refs.push(c);
  });
  return refs;
}

/**
 * Where an image's label may be: `x.json` beside it, or the same relative place under a
 * `labels/` folder that parallels the nearest `images/` folder above it (seed 001's
 * `train/images/x.jpg` + `train/labels/x.json`). Folder names match case-insensitively.
 */
function labelCandidates(imageId: string): string[] {
  const stem = imageId.slice(0, imageId.length - path.posix.extname(imageId).length);
  const out = [`${stem}.json`];
  const segments = stem.split('/');
  for (let i = segments.length - 2; i >= 0; i--) {
    if (segments[i].toLowerCase() !== 'images') continue;
    out.push([...segments.slice(0, i), 'labels', ...segments.slice(i + 1)].join('/') + '.json');
    break;
  }
  return out;
}

async function labelledByJson(root: string, files: string[], bad: BadSample[]): Promise<Candidate[]> {
  const labels = new Map<string, string>();
  for (const id of files) if (extensionOf(id) === 'json') labels.set(id.toLowerCase(), id);
  const used = new Set<string>();
  const pending: { image: string; label: string }[] = [];
  const unlabelled: Candidate[] = [];
  for (const id of files) {
    const ext = extensionOf(id);
    if (ext === 'json') continue;
    const candidates = labelCandidates(id);
    const label = candidates.map((c) => labels.get(c.toLowerCase())).find((l) => l !== undefined);
    if (label === undefined) {
      unlabelled.push({ id, problem: `no label: expected ${candidates.join(' or ')}` });
      continue;
    }
    used.add(label);
    pending.push({ image: id, label });
  }
  for (const label of labels.values()) if (!used.has(label)) bad.push({ id: label, reason: 'label without a matching image' });

  const refs: (Candidate | null)[] = new Array(pending.length).fill(null);
  let next = 0;
  // A few reads in flight: thousands of small label files otherwise take a round trip each.
  const lane = async () => {
    while (next < pending.length) {
      const i = next++;
      const { image, label } = pending[i];
      try {
        const text = await readFile(path.join(root, ...label.split('/')), 'utf8');
        const parsed = parseLabelJson(text, label);
        refs[i] = parsed.bbox ? { id: image, className: parsed.className, bbox: parsed.bbox } : { id: image, className: parsed.className };
      } catch (e) {
        const message = errorText(e);
        refs[i] = { id: image, problem: message.startsWith(label) ? `bad label ${message}` : `cannot read label ${label}: ${message}` };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, pending.length) }, lane));
  return [...refs.filter((r): r is Candidate => r !== null), ...unlabelled];
}
