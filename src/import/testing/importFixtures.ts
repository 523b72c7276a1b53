import { encodePng } from '../encodePng.ts';
import type { ImportEntry } from '../importFiles.ts';

/** Test support: a small RGB PNG whose pixels derive from `value`, so distinct values give distinct bytes and hashes. */
export function pngOf(value: number, width = 4, height = 3): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (value * 53 + i * 7) & 0xff;
  return encodePng({ width, height, channels: 3, data });
}

/** Test support: an entry as a file picker or a drop would give it. */
export function entry(path: string, content: Uint8Array | string): ImportEntry {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { path, file: new Blob([bytes.slice()]) };
}
