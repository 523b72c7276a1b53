import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { batches, type Batch } from './batches.ts';
import { ImageCache } from './imageCache.ts';
import type { SampleRef, SampleSource } from './sampleSource.ts';

/** n samples of 2x2 RGB; sample i's bytes are all i, class i % 3, boxes on even samples. */
async function makeCache(n: number): Promise<ImageCache> {
  const refs: SampleRef[] = Array.from({ length: n }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`,
    className: `c${i % 3}`,
    ...(i % 2 === 0 ? { bbox: [0.1, 0.2, 0.3, i / 100] as [number, number, number, number] } : {}),
  }));
  const source: SampleSource = {
    description: 'test',
    list: async () => refs,
    read: async (ref) => ({ width: 2, height: 2, channels: 3, data: new Uint8Array(12).fill(Number(ref.id.slice(1))) }),
  };
  return ImageCache.load(source, refs, { imageSize: 2, channels: 3 });
}

async function collect(gen: AsyncGenerator<Batch>): Promise<{ indices: number[][]; data: number[][]; labels: number[][]; boxes: number[][] }> {
  const out = { indices: [] as number[][], data: [] as number[][], labels: [] as number[][], boxes: [] as number[][] };
  for await (const b of gen) {
    out.indices.push(b.indices);
    out.data.push(Array.from(await b.x.data()));
    out.labels.push(Array.from(b.labels));
    out.boxes.push(Array.from(b.boxes ?? []));
    b.x.dispose();
  }
  return out;
}

describe('batches', () => {
  it('yields every index once, in order without shuffle, with pixels / 255, labels and boxes', async () => {
    const cache = await makeCache(7);
    const got = await collect(batches(cache, [0, 1, 2, 3, 4, 5, 6], { batchSize: 3, shuffle: false, rng: new Rng(0) }));
    expect(got.indices).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(got.data[0]).toHaveLength(3 * 12);
    got.data[0].forEach((v, k) => expect(v).toBeCloseTo(Math.floor(k / 12) / 255, 7));
    expect(got.labels).toEqual([[0, 1, 2], [0, 1, 2], [0]]);
    const box = (i: number) => (i % 2 === 0 ? [0.1, 0.2, 0.3, i / 100] : [0, 0, 0, 0]);
    got.boxes[1].forEach((v, k) => expect(v).toBeCloseTo(box(3 + Math.floor(k / 4))[k % 4], 6));
  });

  it('shuffles from the Rng reproducibly, and drops a short last batch on request', async () => {
    const cache = await makeCache(10);
    const indices = [9, 8, 7, 6, 5, 4, 3, 2, 1];
    const a = await collect(batches(cache, indices, { batchSize: 4, shuffle: true, rng: new Rng(5), dropLast: true }));
    const b = await collect(batches(cache, indices, { batchSize: 4, shuffle: true, rng: new Rng(5), dropLast: true, prefetch: 0 }));
    expect(a).toEqual(b);
    expect(a.indices.map((x) => x.length)).toEqual([4, 4]);
    expect(a.indices.flat()).toEqual(new Rng(5).shuffle([...indices]).slice(0, 8));
    const other = await collect(batches(cache, indices, { batchSize: 4, shuffle: true, rng: new Rng(6), prefetch: 3 }));
    expect(other.indices.flat().sort()).toEqual([...indices].sort());
    expect(other.indices.flat()).not.toEqual(a.indices.flat());
  });

  it('assembles the next batch while the consumer is busy (prefetch), one tensor ahead', async () => {
    const cache = await makeCache(6);
    const before = tf.memory().numTensors;
    const gen = batches(cache, [0, 1, 2, 3, 4, 5], { batchSize: 2, shuffle: false, rng: new Rng(0), prefetch: 1 });
    const first = await gen.next();
    expect(tf.memory().numTensors).toBe(before + 1);
    // The consumer "trains" (yields to the event loop); batch 1 is uploaded meanwhile.
    await new Promise((r) => setTimeout(r, 5));
    expect(tf.memory().numTensors).toBe(before + 2);
    (first.value as Batch).x.dispose();
    const second = await gen.next();
    expect((second.value as Batch).indices).toEqual([2, 3]);
    (second.value as Batch).x.dispose();
    await gen.return(undefined);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes prefetched batches when the consumer stops early, and leaks nothing over epochs', async () => {
    const cache = await makeCache(9);
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) {
      for await (const b of batches(cache, [0, 1, 2, 3, 4, 5, 6, 7, 8], { batchSize: 2, shuffle: true, rng: new Rng(epoch), prefetch: 2 })) {
        b.x.dispose();
        if (b.indices.includes(4)) break;
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects indices outside the cache and bad batch sizes', async () => {
    const cache = await makeCache(3);
    await expect(collect(batches(cache, [0, 3], { batchSize: 2, shuffle: false, rng: new Rng(0) }))).rejects.toThrow(
      'sample index 3 is outside the cache (0..2)',
    );
    await expect(collect(batches(cache, [0], { batchSize: 0, shuffle: false, rng: new Rng(0) }))).rejects.toThrow('batchSize must be a positive integer');
  });
});
