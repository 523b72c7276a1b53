import { skipReasons } from '../core/data/importPolicy.ts';
import { parseLabelJson, type ImageLabel } from '../core/data/labelJson.ts';
import type { Box } from '../core/data/sampleSource.ts';
import type { ImportFile } from './expandEntries.ts';
import type { BadFile } from './importFiles.ts';

/** One image to examine, with the label its path and JSON give it. */
export interface ImageJob {
  file: ImportFile;
  /** The path below the common root the import dropped: the sample's name ("cat/01.jpg"). */
  name: string;
  /** Its class (and box), or why it has none: an unreadable label, no folder. Checked after the bytes, so a text file still reads "not an image". */
  label: { className: string; bbox?: Box } | { problem: string };
}

export interface ImportPlan {
  images: ImageJob[];
  /** Label files read (paired or not), for progress counts. */
  labelCount: number;
  /** Labels with no image beside them. */
  bad: BadFile[];
}

const NO_CLASS = skipReasons.noClass;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isLabel = (path: string) => /\.json$/i.test(path);
/** "x/img001.png" and "x/img001.json" share "x/img001"; case-insensitive, as names from Windows and macOS are. */
const stemKey = (path: string) => path.replace(/(?<=[^/])\.[^./]*$/, '').toLowerCase();

/**
 * How many leading folders to drop: the folder a directory picker or a zip wraps around
 * everything ("pets/cat/01.jpg" -> "cat/01.jpg"), repeated for a zip of a folder
 * ("faces/faces/a/1.png"). A shared folder is kept when dropping it would leave no file
 * in a folder: dropping the single folder "cat" of "cat/01.jpg" would lose its class.
 */
export function commonRootDepth(paths: string[]): number {
  const split = paths.map((p) => p.split('/'));
  if (split.length === 0) return 0;
  let depth = 0;
  for (;;) {
    const first = split[0][depth];
    const shared = split.every((s) => s.length > depth + 1 && s[depth] === first);
    if (!shared || !split.some((s) => s.length > depth + 2)) return depth;
    depth++;
  }
}

async function readLabel(file: ImportFile): Promise<{ label?: ImageLabel; problem?: string }> {
  try {
    return { label: parseLabelJson(new TextDecoder().decode(await file.read()), file.path) };
  } catch (e) {
    return { problem: messageOf(e) };
  }
}

/**
 * Gives every image its class: a JSON label beside it (same folder, same name, ".json")
 * wins and may add a box; else the top folder below the common root; else `defaultClass`.
 */
export async function planImport(files: ImportFile[], defaultClass: string | undefined): Promise<ImportPlan> {
  const depth = commonRootDepth(files.map((f) => f.path));
  const fallback = defaultClass?.trim() || undefined;
  const labels = new Map<string, { file: ImportFile; used: boolean; label?: ImageLabel; problem?: string }>();
  for (const file of files) {
    if (isLabel(file.path)) labels.set(stemKey(file.path), { file, used: false, ...(await readLabel(file)) });
  }
  const images: ImageJob[] = [];
  for (const file of files) {
    if (isLabel(file.path)) continue;
    const segments = file.path.split('/').slice(depth);
    const paired = labels.get(stemKey(file.path));
    if (paired) paired.used = true;
    let label: ImageJob['label'];
    if (paired?.problem !== undefined) label = { problem: paired.problem };
    else if (paired?.label) label = paired.label;
    else if (segments.length > 1) label = { className: segments[0] };
    else label = fallback ? { className: fallback } : { problem: NO_CLASS };
    images.push({ file, name: segments.join('/'), label });
  }
  const bad = [...labels.values()].filter((l) => !l.used).map((l) => ({ path: l.file.path, reason: 'label with no image (no image of the same name beside it)' }));
  return { images, labelCount: labels.size, bad };
}
