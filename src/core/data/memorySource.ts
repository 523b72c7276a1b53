import type { DecodedImage, SampleRef, SampleSource } from './sampleSource.ts';

export interface MemorySample {
  ref: SampleRef;
  image: DecodedImage;
}

/**
 * Samples a host already holds in memory (generated data, an upload, a test fixture).
 * Refs are copied on the way out so a caller editing one cannot change the dataset.
 */
export class MemorySource implements SampleSource {
  readonly description: string;
  private readonly refs: SampleRef[];
  private readonly images = new Map<string, DecodedImage>();

  constructor(samples: MemorySample[], description = 'in-memory samples') {
    this.description = description;
    for (const { ref, image } of samples) {
      if (this.images.has(ref.id)) throw new Error(`${description}: duplicate sample id "${ref.id}"`);
      checkImage(image, ref.id, description);
      this.images.set(ref.id, image);
    }
    this.refs = samples.map(({ ref }) => copyRef(ref));
  }

  get size(): number {
    return this.refs.length;
  }

  async list(): Promise<SampleRef[]> {
    return this.refs.map(copyRef);
  }

  async read(ref: SampleRef): Promise<DecodedImage> {
    const image = this.images.get(ref.id);
    if (!image) throw new Error(`${this.description}: no sample with id "${ref.id}"`);
    return image;
  }
}

function copyRef(ref: SampleRef): SampleRef {
  const copy: SampleRef = { ...ref };
  if (ref.bbox) copy.bbox = [...ref.bbox];
  return copy;
}

function checkImage(image: DecodedImage, id: string, description: string): void {
  const { width, height, channels, data } = image;
  const expected = width * height * channels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${description}: sample "${id}" has an invalid size ${width}x${height}`);
  }
  if (data.length !== expected) {
    throw new Error(`${description}: sample "${id}" has ${data.length} bytes, expected ${width}x${height}x${channels} = ${expected}`);
  }
}
