import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adjustColors } from './colorJitter.ts';
import { flipAndRotate } from './flipAndRotate.ts';
import { resizedCrop } from './randomResizedCrop.ts';

// On the CPU backend flipAndRotate warps one image at a time (tfjs-backend-cpu's Transform
// handles only the first image of a batch); on WebGPU the whole batch goes in one call,
// so check here that every image gets its own matrix.
describe('augmentation kernels on webgpu', () => {
  it('flips and rotates each image of a batch by its own parameters', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [4, 2, 3, 1]);
    const none = { flipH: false, flipV: false, degrees: 0 };
    const y = flipAndRotate(x, [{ ...none, flipH: true }, { ...none, flipV: true }, none, { ...none, flipH: true, flipV: true }]);
    const got = Array.from(await y.data()).map((v) => Math.round(v * 1000) / 1000);
    expect(got).toEqual([3, 2, 1, 6, 5, 4, 10, 11, 12, 7, 8, 9, 1, 2, 3, 4, 5, 6, 12, 11, 10, 9, 8, 7]);

    const square = tf.tensor4d(Array.from({ length: 64 }, (_, i) => i), [2, 4, 4, 2]);
    const turned = flipAndRotate(square, [none, { ...none, degrees: 90 }]);
    const t = await turned.data();
    // Image 1 is rotated 90° counter-clockwise: output (row 0, col 0) is input (row 0, col 3).
    expect(t[0]).toBeCloseTo(0, 4);
    expect(t[32]).toBeCloseTo(32 + 3 * 2, 4);
    tf.dispose([x, y, square, turned]);
  });

  it('crops per image and jitters colours like the CPU backend', async () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i % 17) / 16), [2, 4, 4, 3]);
    const crops = [
      { top: 0, left: 0, height: 4, width: 4 },
      { top: 1, left: 1, height: 2, width: 2 },
    ];
    const cropped = resizedCrop(x, crops);
    const c = await cropped.data();
    const xs = await x.data();
    for (let i = 0; i < 48; i++) expect(c[i]).toBeCloseTo(xs[i], 5);
    const jittered = adjustColors(x, { brightness: Float32Array.from([1, 0.5]), saturation: Float32Array.from([1, 0]) });
    const j = await jittered.data();
    for (let i = 0; i < 48; i++) expect(j[i]).toBeCloseTo(xs[i], 5);
    // Image 1: halved, then fully desaturated, so its three channels are equal.
    expect(j[48]).toBeCloseTo(j[49], 5);
    expect(j[49]).toBeCloseTo(j[50], 5);
    tf.dispose([x, cropped, jittered]);
  });
});
