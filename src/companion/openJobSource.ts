import type { SampleSource } from '../core/data/sampleSource.ts';
import { syntheticSourceForSpec } from '../core/data/syntheticSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { UploadStore } from './uploadStore.ts';

/**
 * The data a companion job may train: generated data, or a dataset version uploaded to
 * this companion (the studio's `indexeddb` source, found by its version hash). Paths
 * on the companion's disk are never taken from a client.
 */
export function openJobSource(uploads: UploadStore): (spec: RunSpec) => SampleSource {
  return (spec) => {
    const src = spec.data.source;
    if (src.kind === 'synthetic') return syntheticSourceForSpec(spec, src);
    if (src.kind === 'indexeddb' && src.version !== undefined) return uploads.source(src.version);
    throw new Error(jobSourceProblem(spec, uploads) ?? `data.source "${src.kind}" cannot be trained on a companion`);
  };
}

/** Why a spec's data cannot be trained here, or undefined when it can; checked before a job is queued. */
export function jobSourceProblem(spec: RunSpec, uploads: UploadStore): string | undefined {
  const src = spec.data.source;
  if (src.kind === 'synthetic') return undefined;
  if (src.kind === 'indexeddb') {
    if (src.version === undefined) return 'data.source needs the dataset version (data.source.version) so the companion can find the upload';
    if (!uploads.hasDataset(src.version)) return `dataset version ${src.version} has not been uploaded to this companion; upload it first (PUT /datasets/${src.version})`;
    return undefined;
  }
  return `data.source "${src.kind}" cannot be trained here: a job names generated data ("synthetic") or an uploaded dataset ("indexeddb" with its version); paths on this machine are not taken from clients`;
}
