import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { DecodedImage, SampleRef, SampleSource } from '../core/data/sampleSource.ts';
import { IMAGE_EXTENSIONS } from '../core/data/importPolicy.ts';

export interface WriteImageFolderOptions {
  format: 'png' | 'jpg' | 'pgm';
  /** 'folders' (default): dir/<class>/<name>; 'json': dir/images/<name> + dir/labels/<name>.json. */
  labels?: 'folders' | 'json';
}

/** Binary PGM (P5); colour is reduced to luma with the BT.601 weights PGM viewers assume. */
export function encodePgm(image: DecodedImage): Uint8Array {
  const { width, height, channels, data } = image;
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height);
  out.set(header);
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    out[header.length + i] = channels < 3 ? data[o] : Math.round(0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2]);
  }
  return out;
}

async function encode(image: DecodedImage, format: WriteImageFolderOptions['format']): Promise<Uint8Array> {
  if (format === 'pgm') return encodePgm(image);
  const { width, height, channels, data } = image;
  let pipeline = sharp(new Uint8Array(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels } });
  // Without this sharp widens 1-channel input to RGB on the way out.
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  if (format === 'png') return pipeline.png().toBuffer();
  return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
}

/** A file-name-safe version of one path segment (class names and ids come from users). */
function safeSegment(segment: string): string {
  const cleaned = segment.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return '_';
  return cleaned.startsWith('.') ? `_${cleaned}` : cleaned;
}

const imageExtension = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

/** The id's path below its class (a leading class folder and an image extension dropped). */
function nameParts(ref: SampleRef): string[] {
  const parts = ref.id.split('/').filter((p) => p !== '');
  if (parts.length > 1 && parts[0] === ref.className) parts.shift();
  if (parts.length === 0) parts.push('image');
  parts[parts.length - 1] = parts[parts.length - 1].replace(imageExtension, '');
  return parts.map(safeSegment);
}

/**
 * Writes every sample of `source` to `dir` as image files, in a layout `FolderSource` reads
 * back: 'folders' puts each image under its class folder; 'json' writes seed 001's layout,
 * images/<name> with labels/<name>.json holding `{"class", "bbox"}`. Names come from sample
 * ids, made unique where two would collide. Existing files of the same names are replaced.
 * Returns the written image paths, POSIX and relative to `dir`, in the source's order.
 */
export async function writeImageFolder(
  dir: string,
  source: SampleSource,
  options: WriteImageFolderOptions = { format: 'png' },
): Promise<string[]> {
  const { format, labels = 'folders' } = options;
  const refs = await source.list();
  const taken = new Set<string>();
  const unique = (stem: string) => {
    let candidate = stem;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}_${n}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  };
  const jobs = refs.map((ref) => {
    if (labels === 'json') {
      const stem = unique([safeSegment(ref.className), ...nameParts(ref)].join('_'));
      return { ref, image: `images/${stem}.${format}`, label: `labels/${stem}.json` };
    }
    return { ref, image: `${unique([safeSegment(ref.className), ...nameParts(ref)].join('/'))}.${format}` };
  });
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const bytes = await encode(await source.read(job.ref), format);
      const target = path.join(dir, ...job.image.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
      if (job.label) {
        const labelPath = path.join(dir, ...job.label.split('/'));
        await mkdir(path.dirname(labelPath), { recursive: true });
        const label = job.ref.bbox ? { class: job.ref.className, bbox: job.ref.bbox } : { class: job.ref.className };
        await writeFile(labelPath, `${JSON.stringify(label)}\n`);
      }
    }
  };
  await mkdir(dir, { recursive: true });
  await Promise.all(Array.from({ length: Math.min(8, jobs.length) }, lane));
  return jobs.map((j) => j.image);
}
