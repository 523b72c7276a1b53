import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';

export interface MixupResult {
  x: tf.Tensor4D;
  /** Soft labels: λ·y + (1 − λ)·y[partner]; each row still sums to 1. */
  y: tf.Tensor2D;
  /** The weight of the original images; 1 when mixup was not applied to this batch. */
  lambda: number;
  /** partner[i] is the image mixed into image i; absent when not applied. */
  partner?: number[];
}

/**
 * Mixup as seed 004 runs it: with probability p the whole batch is mixed with a shuffled
 * copy of itself, λ ~ Beta(α, α) shared by the batch. The draws (the coin, λ, the
 * permutation, in that order) come from `rng`, so a resumed run mixes the same pairs.
 * Always returns new tensors, so the caller disposes the same way either way.
 */
export function mixup(x: tf.Tensor4D, yOneHot: tf.Tensor2D, alpha: number, p: number, rng: Rng): MixupResult {
  const batch = x.shape[0];
  if (yOneHot.shape[0] !== batch) throw new Error(`mixup needs one label row per image: ${batch} images, ${yOneHot.shape[0]} rows`);
  if (!(alpha > 0)) throw new Error(`mixup alpha must be > 0, got ${alpha}`);
  if (rng.next() >= p) return { x: tf.clone(x), y: tf.clone(yOneHot), lambda: 1 };
  const lambda = rng.beta(alpha, alpha);
  const partner = rng.shuffle(Array.from({ length: batch }, (_, i) => i));
  return tf.tidy(() => {
    const index = tf.tensor1d(partner, 'int32');
    const mix = <T extends tf.Tensor>(a: T): T => tf.add(tf.mul(a, lambda), tf.mul(tf.gather(a, index), 1 - lambda)) as T;
    return { x: mix(x), y: mix(yOneHot), lambda, partner };
  });
}
