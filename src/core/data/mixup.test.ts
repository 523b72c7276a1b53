import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { mixup } from './mixup.ts';

function batch() {
  const B = 4;
  const x = tf.tensor4d(
    Array.from({ length: B * 2 * 2 * 1 }, (_, i) => (i * 3) % 7),
    [B, 2, 2, 1],
  );
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3) as tf.Tensor2D;
  return { x, y, B };
}

describe('mixup', () => {
  it('with p = 0 returns copies of the inputs, λ = 1', () => {
    const { x, y } = batch();
    const r = mixup(x, y, 0.3, 0, new Rng(1));
    expect(r.lambda).toBe(1);
    expect(r.partner).toBeUndefined();
    expect(r.x).not.toBe(x);
    expect(Array.from(r.x.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(r.y.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y, r.x, r.y]);
  });

  it('with p = 1 mixes each sample with its partner by λ ~ Beta(α, α) from the Rng', () => {
    const { x, y, B } = batch();
    const r = mixup(x, y, 0.3, 1, new Rng(7));
    // The draws, in order: the coin, λ, then the permutation.
    const replay = new Rng(7);
    replay.next();
    const lambda = replay.beta(0.3, 0.3);
    const partner = replay.shuffle([0, 1, 2, 3]);
    expect(r.lambda).toBe(lambda);
    expect(r.partner).toEqual(partner);

    const xs = x.arraySync();
    const ys = y.arraySync();
    const mx = r.x.arraySync();
    const my = r.y.arraySync();
    for (let i = 0; i < B; i++) {
      const j = partner[i];
      for (let h = 0; h < 2; h++) {
        for (let w = 0; w < 2; w++) expect(mx[i][h][w][0]).toBeCloseTo(lambda * xs[i][h][w][0] + (1 - lambda) * xs[j][h][w][0], 5);
      }
      ys[i].forEach((v, k) => expect(my[i][k]).toBeCloseTo(lambda * v + (1 - lambda) * ys[j][k], 6));
      expect(my[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    tf.dispose([x, y, r.x, r.y]);
  });

  it('applies to about a fraction p of the batches, and leaks nothing', () => {
    const { x, y } = batch();
    const rng = new Rng(3);
    const before = tf.memory().numTensors;
    let applied = 0;
    for (let i = 0; i < 200; i++) {
      const r = mixup(x, y, 0.3, 0.3, rng);
      if (r.partner) applied++;
      tf.dispose([r.x, r.y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(applied).toBeGreaterThan(40);
    expect(applied).toBeLessThan(80);
    tf.dispose([x, y]);
  });
});
