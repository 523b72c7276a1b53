import type { BadSample, Box, SampleRef, SampleSource } from './sampleSource.ts';
import { toTrainingPixels } from './toTrainingPixels.ts';

export interface ImageCacheOptions {
  /** Side of the square training resolution. */
  imageSize: number;
  channels: 1 | 3;
  /** Called after each sample, read or failed. */
  onProgress?: (done: number, total: number) => void;
  /** Samples read at once; overlaps a host's file or blob reads with resizing. Default 4. */
  concurrency?: number;
}

/**
 * Every usable sample, decoded once and kept as 8-bit pixels at training resolution
 * (imageSize × imageSize × channels), so epochs never decode again: an epoch is then
 * only memory copies and one upload per batch. 8 bits keep it 4× smaller than floats.
 *
 * Samples are held sorted by id, whatever order the source listed them in, so indices
 * (and so shuffles and splits) mean the same on every host. Samples that fail to read
 * or decode are kept aside in `badSamples` with the reason, not fatal to the run.
 */
export class ImageCache {
  /** The usable samples; every index elsewhere in the pipeline points into this list. */
  readonly refs: SampleRef[];
  /** Sorted class names; a sample's label is its class's position here. */
  readonly classNames: string[];
  readonly labels: Int32Array;
  readonly badSamples: BadSample[];
  readonly imageSize: number;
  readonly channels: 1 | 3;
  /** True when some sample has a box; samples without one then get [0, 0, 0, 0]. */
  readonly hasBoxes: boolean;
  private readonly images: Uint8Array[];

  private constructor(refs: SampleRef[], images: Uint8Array[], badSamples: BadSample[], imageSize: number, channels: 1 | 3) {
    this.refs = refs;
    this.images = images;
    this.badSamples = badSamples;
    this.imageSize = imageSize;
    this.channels = channels;
    this.classNames = [...new Set(refs.map((r) => r.className))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const index = new Map(this.classNames.map((c, i) => [c, i]));
    this.labels = Int32Array.from(refs, (r) => index.get(r.className) as number);
    this.hasBoxes = refs.some((r) => r.bbox !== undefined);
  }

  /** Reads `refs` (usually `source.list()`) through `source`, once each. */
  static async load(source: SampleSource, refs: SampleRef[], options: ImageCacheOptions): Promise<ImageCache> {
    const { imageSize, channels } = options;
    if (!(Number.isInteger(imageSize) && imageSize > 0)) throw new Error(`imageSize must be a positive integer, got ${imageSize}`);
    const sorted = [...refs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const results: (Uint8Array | BadSample)[] = new Array(sorted.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < sorted.length) {
        const i = next++;
        const ref = sorted[i];
        try {
          const image = await source.read(ref);
          results[i] = await toTrainingPixels(image, imageSize, channels);
        } catch (e) {
          results[i] = { id: ref.id, reason: e instanceof Error ? e.message : String(e) };
        }
        options.onProgress?.(++done, sorted.length);
      }
    };
    const lanes = Math.max(1, Math.min(options.concurrency ?? 4, sorted.length));
    await Promise.all(Array.from({ length: lanes }, worker));

    const kept: SampleRef[] = [];
    const images: Uint8Array[] = [];
    const bad: BadSample[] = [];
    results.forEach((r, i) => {
      if (r instanceof Uint8Array) {
        kept.push(sorted[i]);
        images.push(r);
      } else bad.push(r);
    });
    return new ImageCache(kept, images, bad, imageSize, channels);
  }

  get size(): number {
    return this.refs.length;
  }

  /** Bytes per sample: imageSize · imageSize · channels. */
  get sampleLength(): number {
    return this.imageSize * this.imageSize * this.channels;
  }

  /** The sample's pixels, row-major with interleaved channels; a view, not a copy. */
  pixels(index: number): Uint8Array {
    const image = this.images[index];
    if (!image) throw new Error(this.images.length === 0 && this.refs.length > 0 ? 'the image cache was disposed' : `no sample ${index} in the cache`);
    return image;
  }

  /**
   * Lets go of the pixels (no tensors are held, so this is only for memory): a host that
   * keeps the cache object around after a run frees the dataset's bytes.
   */
  dispose(): void {
    this.images.length = 0;
  }

  /** The sample's box, or [0, 0, 0, 0] when it has none. */
  box(index: number): Box {
    return this.refs[index].bbox ?? [0, 0, 0, 0];
  }
}
