import type { ImageDecoder, SampleSource } from '../core/data/sampleSource.ts';
import { syntheticSourceForSpec } from '../core/data/syntheticSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import { IndexedDbSource } from '../storage/indexedDbSource.ts';

/**
 * The data a spec names, as the browser can read it: a dataset stored in IndexedDB
 * (pinned to the version the spec records) or generated data. `datasetId` overrides the
 * spec's source with a stored dataset at its current version (the LR finder's choice).
 */
export function openBrowserSource(spec: RunSpec, datasets: DatasetRepo, decoder: ImageDecoder, datasetId?: string): SampleSource {
  if (datasetId !== undefined) return new IndexedDbSource(datasets, datasetId, decoder);
  const src = spec.data.source;
  switch (src.kind) {
    case 'indexeddb':
      return new IndexedDbSource(datasets, src.datasetId, decoder, src.version !== undefined ? { expectedVersion: src.version } : {});
    case 'synthetic':
      return syntheticSourceForSpec(spec, src);
    case 'folder':
    case 'memory':
      throw new Error(
        `data.source "${src.kind}" cannot be read in the browser: it trains datasets stored in the studio (kind "indexeddb") or generated ones (kind "synthetic"). ` +
          'Import the images as a dataset, or train this spec with the CLI.',
      );
  }
}
