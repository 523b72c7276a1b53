import type { SampleRef } from './sampleSource.ts';

type Labelled = { id: string; className: string; identity?: string; bbox?: SampleRef['bbox'] };

/**
 * Samples in id order with their refs. Every stored dataset (IndexedDB, a companion's
 * upload) lists in this order, the order its version hashes, so the same data always
 * splits the same way wherever it trains.
 */
export function samplesById<T extends Labelled>(samples: readonly T[]): { byId: Map<string, T>; refs: SampleRef[] } {
  const sorted = [...samples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    byId: new Map(sorted.map((s) => [s.id, s])),
    refs: sorted.map((s) => ({
      id: s.id,
      className: s.className,
      ...(s.identity !== undefined ? { identity: s.identity } : {}),
      ...(s.bbox ? { bbox: s.bbox } : {}),
    })),
  };
}
