import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { cropBoxes, cropParams, resizedCrop } from './randomResizedCrop.ts';

describe('cropParams', () => {
  it('keeps area and aspect ratio within the bounds (up to pixel rounding) and inside the image', () => {
    const rng = new Rng(17);
    const [H, W] = [120, 160];
    const [s0, s1] = [0.08, 1];
    const [r0, r1] = [3 / 4, 4 / 3];
    const areas: number[] = [];
    for (let n = 0; n < 2000; n++) {
      const { top, left, height: h, width: w } = cropParams(H, W, [s0, s1], [r0, r1], rng);
      expect([top, left, h, w].every(Number.isInteger)).toBe(true);
      expect(top >= 0 && left >= 0 && top + h <= H && left + w <= W).toBe(true);
      // w = round(√(A·r)) and h = round(√(A/r)), so A and r are bounded by w ± ½ and h ± ½.
      expect((w + 0.5) * (h + 0.5)).toBeGreaterThanOrEqual(s0 * H * W);
      expect((w - 0.5) * (h - 0.5)).toBeLessThanOrEqual(s1 * H * W);
      expect((w + 0.5) / (h - 0.5)).toBeGreaterThanOrEqual(r0);
      expect((w - 0.5) / (h + 0.5)).toBeLessThanOrEqual(r1);
      areas.push((w * h) / (H * W));
    }
    expect(Math.min(...areas)).toBeLessThan(0.1);
    expect(Math.max(...areas)).toBeGreaterThan(0.9);
  });

  it("falls back to torchvision's centred crop when no try fits", () => {
    // reference: test/reference/data_augment.py, torchvision RandomResizedCrop.get_params 0.14
    expect(cropParams(10, 20, [0.9, 1], [0.1, 0.2], new Rng(0))).toEqual({ top: 0, left: 9, height: 10, width: 2 });
    expect(cropParams(20, 10, [0.9, 1], [5, 8], new Rng(0))).toEqual({ top: 9, left: 0, height: 2, width: 10 });
  });

  it('is reproducible from the Rng', () => {
    const r1 = new Rng(3);
    const r2 = new Rng(3);
    for (let i = 0; i < 50; i++) expect(cropParams(32, 32, [0.2, 1], [0.5, 2], r1)).toEqual(cropParams(32, 32, [0.2, 1], [0.5, 2], r2));
  });
});

describe('resizedCrop', () => {
  it('crops each image to its own rect and resizes back to the input size', () => {
    const values = Array.from({ length: 2 * 4 * 4 }, (_, i) => i);
    const x = tf.tensor4d(values, [2, 4, 4, 1]);
    const y = resizedCrop(x, [
      { top: 0, left: 0, height: 4, width: 4 },
      { top: 1, left: 2, height: 2, width: 2 },
    ]);
    expect(y.shape).toEqual([2, 4, 4, 1]);
    const got = Array.from(y.dataSync());
    values.slice(0, 16).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    // The 2x2 crop of image 1 is [[22, 23], [26, 27]]; its corners land on the output's corners.
    expect(got[16]).toBeCloseTo(22, 5);
    expect(got[16 + 3]).toBeCloseTo(23, 5);
    expect(got[16 + 12]).toBeCloseTo(26, 5);
    expect(got[16 + 15]).toBeCloseTo(27, 5);
    tf.dispose([x, y]);
  });

  it('moves boxes into the crop frame, clipped', () => {
    const boxes = Float32Array.from([0.25, 0.25, 0.75, 0.75, 0, 0, 1, 1]);
    cropBoxes(
      boxes,
      [
        { top: 0, left: 0, height: 100, width: 100 },
        { top: 50, left: 25, height: 50, width: 50 },
      ],
      100,
      100,
    );
    expect(Array.from(boxes)).toEqual([0.25, 0.25, 0.75, 0.75, 0, 0, 1, 1]);
    const inside = Float32Array.from([0.3, 0.6, 0.5, 0.8]);
    cropBoxes(inside, [{ top: 50, left: 25, height: 50, width: 50 }], 100, 100);
    [0.1, 0.2, 0.5, 0.6].forEach((v, i) => expect(inside[i]).toBeCloseTo(v, 6));
  });
});
