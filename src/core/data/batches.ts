import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';
import type { ImageCache } from './imageCache.ts';

export interface Batch {
  /** [B, H, W, C] float32 in [0, 1]; the consumer disposes it. */
  x: tf.Tensor4D;
  /** Class indices into `cache.classNames`. */
  labels: Int32Array;
  /** Normalized [x1, y1, x2, y2] per sample (B·4), when the cache holds boxes. */
  boxes?: Float32Array;
  /** The cache indices of the samples, in batch order. */
  indices: number[];
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle `indices` with `rng` once, when the first batch is asked for. */
  shuffle: boolean;
  rng: Rng;
  /** Drop a last batch smaller than batchSize (keeps batch-norm statistics sane). */
  dropLast?: boolean;
  /** Batches assembled ahead of the one the consumer holds. Default 1; 0 assembles on demand. */
  prefetch?: number;
}

/** v / 255 for every byte, so a pixel costs a table lookup instead of a division. */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Yields the samples `indices` (into `cache`) in batches.
 *
 * Why prefetching overlaps work although JavaScript is single-threaded: a training step
 * only *enqueues* its kernels on a GPU backend and then waits (for a loss readback, or
 * for the next batch). Batch k+1 is assembled — the byte→float copies into one
 * Float32Array and one tensor4d upload — in a task scheduled when batch k is handed
 * out, which runs as soon as the consumer's synchronous step code yields to the event
 * loop, i.e. while the GPU is still executing step k. Without it, the copy and upload
 * would sit between two steps with the GPU idle. On the CPU backend there is nothing
 * to overlap with and prefetching only costs one batch of memory.
 *
 * Batches still queued when the consumer stops early (break, throw) are disposed.
 */
export async function* batches(cache: ImageCache, indices: number[], opts: BatchOptions): AsyncGenerator<Batch> {
  const { batchSize } = opts;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const prefetch = Math.max(0, Math.floor(opts.prefetch ?? 1));
  for (const i of indices) {
    if (!(Number.isInteger(i) && i >= 0 && i < cache.size)) throw new Error(`sample index ${i} is outside the cache (0..${cache.size - 1})`);
  }
  const order = [...indices];
  if (opts.shuffle) opts.rng.shuffle(order);
  const groups: number[][] = [];
  for (let at = 0; at < order.length; at += batchSize) {
    const group = order.slice(at, at + batchSize);
    if (group.length < batchSize && opts.dropLast) break;
    groups.push(group);
  }

  const queued: Promise<Batch>[] = [];
  let scheduled = 0;
  const fillQueue = (upTo: number) => {
    for (; scheduled < Math.min(upTo, groups.length); scheduled++) {
      const group = groups[scheduled];
      const ready = nextTask().then(() => assembleBatch(cache, group));
      // Handled here as well as where it is awaited, so a failure is not reported as unhandled meanwhile.
      ready.catch(() => undefined);
      queued.push(ready);
    }
  };

  try {
    for (let k = 0; k < groups.length; k++) {
      const batch = k < scheduled ? await (queued.shift() as Promise<Batch>) : assembleBatch(cache, groups[k]);
      if (k >= scheduled) scheduled = k + 1;
      fillQueue(k + 1 + prefetch);
      yield batch;
    }
  } finally {
    for (const ready of queued.splice(0)) {
      try {
        (await ready).x.dispose();
      } catch {
        // Nothing was allocated by an assembly that failed.
      }
    }
  }
}

/** Copies the samples' bytes into one Float32Array in [0, 1] and uploads it as one tensor. */
export function assembleBatch(cache: ImageCache, group: number[]): Batch {
  const n = group.length;
  const len = cache.sampleLength;
  const values = new Float32Array(n * len);
  const labels = new Int32Array(n);
  const boxes = cache.hasBoxes ? new Float32Array(n * 4) : undefined;
  group.forEach((index, j) => {
    const px = cache.pixels(index);
    const o = j * len;
    for (let k = 0; k < len; k++) values[o + k] = TO_UNIT[px[k]];
    labels[j] = cache.labels[index];
    boxes?.set(cache.box(index), j * 4);
  });
  const x = tf.tensor4d(values, [n, cache.imageSize, cache.imageSize, cache.channels]);
  return { x, labels, ...(boxes ? { boxes } : {}), indices: [...group] };
}

/** Resolves in a later task (not a microtask), i.e. once the consumer's current code has yielded. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
