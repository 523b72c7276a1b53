import { ImageCache, splitSamples } from '../data/index.ts';
import type { BadSample, SampleSource } from '../data/sampleSource.ts';
import type { RunSpec } from '../spec/runSpec.ts';
import type { TrainingData } from './trainer.ts';

export interface PreparedData extends TrainingData {
  badSamples: BadSample[];
}

/** Which split rule a spec means: 'auto' keeps identities apart for embeddings (seed 000 validates on unseen people). */
export function splitRule(spec: RunSpec): 'stratified' | 'identity' {
  const by = spec.data.split.by;
  if (by !== 'auto') return by;
  return spec.task.kind === 'embedding' ? 'identity' : 'stratified';
}

/**
 * Loads a source at training resolution and splits it: the one data path every host
 * (browser worker, CLI, companion) takes, so the same spec and data give the same split.
 */
export async function prepareData(
  source: SampleSource,
  spec: RunSpec,
  onProgress?: (done: number, total: number) => void,
): Promise<PreparedData> {
  const refs = await source.list();
  if (refs.length === 0) throw new Error(`${source.description} holds no images`);
  const cache = await ImageCache.load(source, refs, {
    imageSize: spec.data.imageSize,
    channels: spec.data.channels,
    ...(onProgress ? { onProgress } : {}),
  });
  if (cache.size === 0) {
    throw new Error(`none of the ${refs.length} images in ${source.description} could be read: ${cache.badSamples[0]?.reason ?? ''}`);
  }
  const { train, val, test } = splitSamples(cache.refs, { ...spec.data.split, by: splitRule(spec) }, spec.training.seed);
  return { cache, split: { train, val, test }, badSamples: [...(source.badSamples ?? []), ...cache.badSamples] };
}
