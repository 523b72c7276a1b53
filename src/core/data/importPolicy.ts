import type { DecodedImage } from './sampleSource.ts';
import { PNM_TYPE, sniffImageType } from './sniffImageType.ts';

/**
 * The one policy by which a file becomes a sample, shared by the studio's importer
 * (src/import) and the CLI/companion folder source (src/node), so the same folder gives the
 * same samples everywhere:
 *
 * 1. Files are taken in path order (code units), so "the first" of two duplicates is the
 *    same on every host and OS.
 * 2. The type comes from the bytes, not the name (`sniffImageType`): PNG, JPEG, GIF, WebP,
 *    BMP, PGM/PPM. A text file named .png is not an image; a PNG named .dat is one.
 * 3. An image that does not decode gets one fixed reason naming its format, never the
 *    decoder's message (which differed between runs and between libvips and browsers).
 * 4. Images with identical pixels (`pixelHash`: same size, same RGBA), whatever their file
 *    format or name, are kept once: a `.pgm` and its `.pgm.png` copy are one sample.
 *
 * Skipped files are reported with these reasons before training starts.
 */

/** What each accepted sniffed type is called in reasons. */
export const IMAGE_TYPE_NAMES: Readonly<Record<string, string>> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
  [PNM_TYPE]: 'PGM/PPM',
};

export const ACCEPTED_FORMATS = 'PNG, JPEG, GIF, WebP, BMP or PGM/PPM';

/** The file extensions those formats usually carry (names only: the bytes decide). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'pgm', 'ppm', 'pnm'] as const;

/** The reasons a file is skipped, word for word the same on every host. */
export const skipReasons = {
  empty: 'empty file',
  notAnImage(path: string): string {
    const ext = /\.([^./]+)$/.exec(path)?.[1];
    return `not an image (${ext ? `a ".${ext}" file whose` : 'its'} contents are not ${ACCEPTED_FORMATS})`;
  },
  corrupt(type: string): string {
    return `corrupt or truncated ${IMAGE_TYPE_NAMES[type] ?? 'image'} file: it does not decode`;
  },
  duplicate(firstPath: string): string {
    return `same pixels as ${firstPath} (kept once)`;
  },
  noClass: 'no class: put it in a folder named after its class, or add a JSON label',
} as const;

/** Byte order of file paths, the same everywhere (localeCompare is not). */
export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What the bytes of a file are, before decoding: an accepted image type, or why not. */
export function sniffImportable(bytes: Uint8Array, path: string): { type: string } | { reason: string } {
  if (bytes.length === 0) return { reason: skipReasons.empty };
  const type = sniffImageType(bytes);
  return type ? { type } : { reason: skipReasons.notAnImage(path) };
}

/**
 * A 64-bit hash of an image's pixels as RGBA (grey and RGB widened, opaque where there is no
 * alpha) and its size, so the same picture hashes alike whatever format it was stored in.
 * Non-cryptographic (two 32-bit lanes): two different images of a dataset colliding is about
 * n²/2⁶⁵, a one-in-ten-million chance for a million images.
 */
export function pixelHash(image: DecodedImage): string {
  const { width, height, channels, data } = image;
  let h1 = 0x9e3779b9 ^ width;
  let h2 = 0x85ebca6b ^ height;
  const mix = (v: number) => {
    h1 = Math.imul(h1 ^ v, 2654435761);
    h2 = Math.imul(h2 ^ v, 1597334677);
  };
  for (let s = 0; s < width * height * channels; s += channels) {
    const r = data[s];
    const g = channels === 1 ? r : data[s + 1];
    const b = channels === 1 ? r : data[s + 2];
    const a = channels === 4 ? data[s + 3] : 255;
    mix((r | (g << 8) | (b << 16) | (a << 24)) >>> 0);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Remembers the first path of each pixel hash; taking files in path order makes "first" the same everywhere. */
export class DuplicateFinder {
  private readonly first = new Map<string, string>();

  /** The duplicate reason if these pixels were seen before, else undefined (and they are remembered as `path`). */
  check(hash: string, path: string): string | undefined {
    const earlier = this.first.get(hash);
    if (earlier !== undefined) return skipReasons.duplicate(earlier);
    this.first.set(hash, path);
    return undefined;
  }
}

/** Counts for a report: how many files were looked at, kept, and skipped, duplicates among them. */
export interface ImportCounts {
  files: number;
  images: number;
  skipped: number;
  duplicates: number;
}

export function importCounts(images: number, skipped: readonly { reason: string }[]): ImportCounts {
  const duplicates = skipped.filter((s) => s.reason.startsWith('same pixels as ')).length;
  return { files: images + skipped.length, images, skipped: skipped.length, duplicates };
}
