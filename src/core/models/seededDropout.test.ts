import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeededDropout } from './seededDropout.ts';

describe('SeededDropout', () => {
  const x = () => tf.ones([4, 64]);

  it('is the identity outside training', () => {
    const input = x();
    const y = new SeededDropout({ rate: 0.5, seed: 1 }).apply(input, { training: false }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(input.dataSync()));
    tf.dispose([input, y]);
  });

  it('drops about `rate` of the units, scales the rest by 1 / (1 - rate), and draws a new mask each call', () => {
    const layer = new SeededDropout({ rate: 0.25, seed: 11 });
    const input = x();
    const draw = (l: SeededDropout) => tf.tidy(() => Array.from((l.apply(input, { training: true }) as tf.Tensor).dataSync()));
    const [a, b] = [draw(layer), draw(layer)];
    for (const values of [a, b]) {
      const kept = values.filter((v) => v !== 0);
      expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
      expect(kept.length / values.length).toBeGreaterThan(0.6);
      expect(kept.length / values.length).toBeLessThan(0.9);
    }
    expect(b).not.toEqual(a);
    expect(layer.calls).toBe(2);
    const again = new SeededDropout({ rate: 0.25, seed: 11 });
    expect(draw(again)).toEqual(a);
    tf.dispose(input);
  });

  it('keeps its rate and seed in its config', () => {
    const config = new SeededDropout({ rate: 0.3, seed: 5, name: 'd' }).getConfig();
    expect(config).toMatchObject({ rate: 0.3, seed: 5, name: 'd' });
  });
});
