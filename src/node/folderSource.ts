import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseLabelJson } from '../core/data/labelJson.ts';
import type { BadSample, DecodedImage, SampleRef, SampleSource } from '../core/data/sampleSource.ts';
import { decodeImageFile } from './decodeImage.ts';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'pgm', 'ppm', 'pnm'] as const;

export interface FolderSourceOptions {
  /** 'folders': root/<class>/…/<image>; 'json': a label JSON beside each image or in a parallel labels/ folder. */
  labels: 'folders' | 'json';
}

const imageExtensions = new Set<string>(IMAGE_EXTENSIONS);
const extensionOf = (file: string) => path.posix.extname(file).slice(1).toLowerCase();
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
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
 * to the root, sorted, so the same folder lists the same way on every OS. Files that cannot be
 * used (not an image, no label, a label that does not parse) are kept in `badSamples` with a
 * reason while the rest load; images that fail to decode are found by `read`.
 * Nothing outside the root is ever read: `..` in ids and symlinks leading out are refused.
 */
export class FolderSource implements SampleSource {
  readonly description: string;
  /** Filled by `list()`. */
  badSamples: BadSample[] = [];
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
    const refs = this.options.labels === 'json' ? await labelledByJson(root, files, bad) : labelledByFolder(files, bad);
    refs.sort((a, b) => byCodeUnit(a.id, b.id));
    bad.sort((a, b) => byCodeUnit(a.id, b.id));
    this.badSamples = bad;
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

function notAnImage(id: string): BadSample {
  const ext = extensionOf(id);
  return { id, reason: `not an image (${ext ? `".${ext}" files are not read` : 'no file extension'}; use ${IMAGE_EXTENSIONS.join(', ')})` };
}

function labelledByFolder(files: string[], bad: BadSample[]): SampleRef[] {
  const refs: SampleRef[] = [];
  for (const id of files) {
    if (!imageExtensions.has(extensionOf(id))) bad.push(notAnImage(id));
    else if (!id.includes('/')) bad.push({ id, reason: 'image directly in the data folder; put it in a folder named after its class' });
    else refs.push({ id, className: id.slice(0, id.indexOf('/')) });
  }
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

async function labelledByJson(root: string, files: string[], bad: BadSample[]): Promise<SampleRef[]> {
  const labels = new Map<string, string>();
  for (const id of files) if (extensionOf(id) === 'json') labels.set(id.toLowerCase(), id);
  const used = new Set<string>();
  const pending: { image: string; label: string }[] = [];
  for (const id of files) {
    const ext = extensionOf(id);
    if (ext === 'json') continue;
    if (!imageExtensions.has(ext)) {
      bad.push(notAnImage(id));
      continue;
    }
    const candidates = labelCandidates(id);
    const label = candidates.map((c) => labels.get(c.toLowerCase())).find((l) => l !== undefined);
    if (label === undefined) {
      bad.push({ id, reason: `no label: expected ${candidates.join(' or ')}` });
      continue;
    }
    used.add(label);
    pending.push({ image: id, label });
  }
  for (const label of labels.values()) if (!used.has(label)) bad.push({ id: label, reason: 'label without a matching image' });

  const refs: (SampleRef | null)[] = new Array(pending.length).fill(null);
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
        bad.push({ id: image, reason: message.startsWith(label) ? `bad label ${message}` : `cannot read label ${label}: ${message}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, pending.length) }, lane));
  return refs.filter((r): r is SampleRef => r !== null);
}
