import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { normalizationParams, normalize, type NormalizationParams } from '../data/normalization.ts';
import type { Box, DecodedImage } from '../data/sampleSource.ts';
import { toTrainingPixels } from '../data/toTrainingPixels.ts';
import type { RunSpec } from '../spec/runSpec.ts';

/** An identity the predictor can recognise: the mean of its enrolled embeddings, on the unit sphere. */
export interface EnrolledIdentity {
  name: string;
  embedding: Float32Array;
}

/** What the model says about one image, in the terms of its task. */
export type Prediction =
  | { kind: 'classification'; probs: number[] }
  | { kind: 'detection'; probs: number[]; box: Box }
  | { kind: 'embedding'; embedding: number[]; nearest: { name: string; similarity: number }[] };

/** How many enrolled identities an embedding prediction lists, nearest first. */
const NEAREST = 3;

/**
 * One model kept ready for single images (the Try-it panel, a webcam frame at a time):
 * each image goes through exactly the studio's input pipeline (channel conversion,
 * resize to training resolution, 8-bit rounding, normalization), so a prediction here is
 * the one the evaluation made for the same picture.
 */
export class Predictor {
  private readonly norm: NormalizationParams;
  private gallery: EnrolledIdentity[] = [];

  constructor(
    private readonly spec: RunSpec,
    /** Owned by the predictor (disposed with it); readable so a host can run it over a split to enroll identities. */
    readonly model: tfl.LayersModel,
  ) {
    this.norm = normalizationParams(spec.data.normalization, spec.data.channels);
  }

  /** Sets who embedding predictions are compared with; each embedding is normalized here. */
  enroll(identities: EnrolledIdentity[]): void {
    this.gallery = identities.map(({ name, embedding }) => ({ name, embedding: unit(embedding) }));
  }

  /** Adds one image of a person (or, for a name already enrolled, moves its centre towards the new image). */
  async enrollImage(name: string, image: DecodedImage): Promise<void> {
    const p = await this.predict(image);
    if (p.kind !== 'embedding') throw new Error(`only embedding models enroll people; this is a ${p.kind} model`);
    const e = Float32Array.from(p.embedding);
    const known = this.gallery.find((g) => g.name === name);
    if (known) known.embedding = unit(known.embedding.map((v, k) => v + e[k]));
    else this.gallery.push({ name, embedding: unit(e) });
  }

  get enrolledNames(): string[] {
    return this.gallery.map((g) => g.name);
  }

  /** The model's own outputs for one image (logits, box, embedding), through the training input pipeline. */
  async outputs(image: DecodedImage): Promise<Float32Array[]> {
    const heads = await this.heads(image, (h) => h);
    try {
      return (await Promise.all(heads.map((t) => t.data()))) as Float32Array[];
    } finally {
      tf.dispose(heads);
    }
  }

  private async heads(image: DecodedImage, post: (heads: tf.Tensor[]) => tf.Tensor[]): Promise<tf.Tensor[]> {
    const { imageSize, channels } = this.spec.data;
    const pixels = await toTrainingPixels(image, imageSize, channels);
    return tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [1, imageSize, imageSize, channels]);
      const raw = this.model.predict(normalize(x, this.norm)) as tf.Tensor | tf.Tensor[];
      return post(Array.isArray(raw) ? raw : [raw]);
    });
  }

  async predict(image: DecodedImage): Promise<Prediction> {
    const outputs = await this.heads(image, (heads) => (this.spec.task.kind === 'embedding' ? [heads[0]] : [tf.softmax(heads[0]), ...heads.slice(1)]));
    try {
      const [first, second] = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
      switch (this.spec.task.kind) {
        case 'classification':
          return { kind: 'classification', probs: Array.from(first) };
        case 'detection':
          return { kind: 'detection', probs: Array.from(first), box: Array.from(second.slice(0, 4)) as Box };
        case 'embedding':
          return { kind: 'embedding', embedding: Array.from(first), nearest: this.nearest(first) };
      }
    } finally {
      tf.dispose(outputs);
    }
  }

  private nearest(embedding: Float32Array): { name: string; similarity: number }[] {
    return this.gallery
      .map(({ name, embedding: e }) => {
        let dot = 0;
        for (let k = 0; k < e.length; k++) dot += e[k] * embedding[k];
        return { name, similarity: dot };
      })
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, NEAREST);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Each identity's mean embedding over row-major [N, dim] embeddings (rows on the unit sphere, so the mean points at the identity's centre). */
export function identityCentres(embeddings: { data: Float32Array; dim: number }, labels: ArrayLike<number>, names: string[]): EnrolledIdentity[] {
  const { data, dim } = embeddings;
  const sums = new Map<number, Float32Array>();
  for (let i = 0; i < labels.length; i++) {
    const sum = sums.get(labels[i]) ?? new Float32Array(dim);
    for (let k = 0; k < dim; k++) sum[k] += data[i * dim + k];
    sums.set(labels[i], sum);
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([label, embedding]) => ({ name: names[label], embedding }));
}

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  const scale = 1 / (Math.sqrt(norm) || 1);
  return v.map((x) => x * scale);
}
