import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { AugmentationSpec } from '../spec/runSpec.ts';
import { Rng } from '../util/rng.ts';
import { augmentBatch } from './augmentBatch.ts';

const image = () => tf.tensor4d(Array.from({ length: 3 * 6 * 6 * 3 }, (_, i) => ((i * 13) % 29) / 28), [3, 6, 6, 3]);

const full: AugmentationSpec = {
  flip: { horizontal: true, vertical: true, p: 0.5 },
  rotation: { degrees: 15 },
  randomResizedCrop: { scale: [0.5, 1], ratio: [0.75, 4 / 3] },
  colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2 },
};

describe('augmentBatch', () => {
  it('is a copy of the input when the spec asks for nothing, and draws nothing', () => {
    const x = image();
    const rng = new Rng(4);
    const y = augmentBatch(x, {}, rng);
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(rng.getState()).toBe(new Rng(4).getState());
    const zero = augmentBatch(x, { colorJitter: { brightness: 0, contrast: 0, saturation: 0 }, rotation: { degrees: 0 } }, rng);
    expect(Array.from(zero.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, zero]);
  });

  it('flips every image with p = 1 and none with p = 0', () => {
    const x = image();
    const flipped = augmentBatch(x, { flip: { horizontal: true, vertical: false, p: 1 } }, new Rng(0));
    const expected = tf.reverse(x, 2);
    const a = flipped.dataSync();
    const e = expected.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(e[i], 6);
    const kept = augmentBatch(x, { flip: { horizontal: true, vertical: true, p: 0 } }, new Rng(0));
    expect(Array.from(kept.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, flipped, expected, kept]);
  });

  it('reproduces a batch from the same Rng state (what a resumed run relies on)', () => {
    const x = image();
    const rng = new Rng(12);
    augmentBatch(x, full, rng).dispose();
    const state = rng.getState();
    const first = augmentBatch(x, full, rng);
    const resumed = new Rng(0);
    resumed.setState(state);
    const again = augmentBatch(x, full, resumed);
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(resumed.getState()).toBe(rng.getState());
    const other = augmentBatch(x, full, new Rng(99));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(first.dataSync()));
    expect(first.shape).toEqual(x.shape);
    const values = Array.from(first.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    tf.dispose([x, first, again, other]);
  });

  it('moves boxes with a horizontal flip', () => {
    const x = image();
    const boxes = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 1, 1, 0, 0, 0.5, 0.25]);
    augmentBatch(x, { flip: { horizontal: true, vertical: false, p: 1 } }, new Rng(0), boxes).dispose();
    const expected = [0.7, 0.2, 0.9, 0.4, 0, 0.5, 0.5, 1, 0.5, 0, 1, 0.25];
    expected.forEach((v, i) => expect(boxes[i]).toBeCloseTo(v, 6));
    x.dispose();
  });

  it('leaks no tensors over many batches', () => {
    const x = image();
    const rng = new Rng(2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) augmentBatch(x, full, rng, new Float32Array(12).fill(0.5)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
