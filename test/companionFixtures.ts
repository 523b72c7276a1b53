import { createHash } from 'node:crypto';
import { datasetVersion, type DatasetManifest } from '../src/core/data/datasetManifest.ts';
import { encodePgm } from '../src/node/writeDataset.ts';

/**
 * Test support only: a small two-class dataset as the studio would upload it (PGM bytes
 * per image and the manifest naming them by SHA-256): class "light" images are bright
 * with a dark bar, class "dark" the reverse, so a tiny model can learn them.
 */
export function uploadableDataset(perClass = 6, size = 8): { manifest: DatasetManifest; blobs: Map<string, Uint8Array<ArrayBuffer>> } {
  const blobs = new Map<string, Uint8Array<ArrayBuffer>>();
  const samples: DatasetManifest['samples'] = [];
  for (const className of ['light', 'dark']) {
    for (let i = 0; i < perClass; i++) {
      const data = new Uint8Array(size * size);
      for (let p = 0; p < data.length; p++) {
        const bar = p % size === i % size;
        const bright = className === 'light' ? !bar : bar;
        data[p] = bright ? 200 + ((p * 7 + i) % 40) : 20 + ((p * 3 + i) % 30);
      }
      const bytes = encodePgm({ width: size, height: size, channels: 1, data });
      const hash = createHash('sha256').update(bytes).digest('hex');
      blobs.set(hash, new Uint8Array(bytes));
      samples.push({ id: hash, hash, name: `${className}-${i}.pgm`, className });
    }
  }
  return { manifest: { format: 'studio-dataset/1', version: datasetVersion(samples), name: 'bars', samples }, blobs };
}
