export type { BadSample, Box, DecodedImage, ImageDecoder, SampleRef, SampleSource } from './sampleSource.ts';
export { decodePnm } from './pnm.ts';
export { parseLabelJson, type ImageLabel } from './labelJson.ts';
export { splitSamples, type SplitFractions, type SplitIndices } from './splitSamples.ts';
export { normalizationParams, normalize, type NormalizationParams } from './normalization.ts';
export { augmentBatch } from './augmentBatch.ts';
export { cropParams, cropBoxes, resizedCrop, type CropRect } from './randomResizedCrop.ts';
export { flipAndRotate, flipAndRotateBoxes, type FlipRotate } from './flipAndRotate.ts';
export { adjustColors, colorJitter, drawColorFactors, type ColorFactors, type ColorJitterStrength } from './colorJitter.ts';
export { mixup, type MixupResult } from './mixup.ts';
export { ImageCache, type ImageCacheOptions } from './imageCache.ts';
export { toTrainingPixels } from './toTrainingPixels.ts';
export { assembleBatch, batches, type Batch, type BatchOptions } from './batches.ts';

// Sources written alongside the pipeline: in-memory samples and generated demo data.
export { MemorySource, type MemorySample } from './memorySource.ts';
export {
  syntheticClassNames,
  syntheticSample,
  syntheticSource,
  type SyntheticGenerator,
  type SyntheticOptions,
  type SyntheticSample,
} from './syntheticSource.ts';
