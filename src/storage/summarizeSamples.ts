import { datasetVersion } from '../core/data/datasetManifest.ts';
import type { DatasetRecord, SampleRecord } from './storageRecords.ts';

export type SampleSummary = Pick<DatasetRecord, 'version' | 'sampleCount' | 'classCounts' | 'boxCount'>;

/**
 * Version and counts of a dataset's samples. The version hashes every sample's pixels
 * (content hash) and labels in id order, so it is the same however the samples were
 * added, and changes with any pixel or label; names and times do not count.
 */
export function summarizeSamples(samples: readonly SampleRecord[]): SampleSummary {
  const sorted = [...samples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // A Map, because a folder may well be called "constructor" or "__proto__".
  const counts = new Map<string, number>();
  let boxCount = 0;
  for (const s of sorted) {
    counts.set(s.className, (counts.get(s.className) ?? 0) + 1);
    if (s.bbox) boxCount++;
  }
  const version = datasetVersion(sorted);
  return { version, sampleCount: sorted.length, classCounts: Object.fromEntries(counts), boxCount };
}
