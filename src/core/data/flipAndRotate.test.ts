import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flipAndRotate, flipAndRotateBoxes } from './flipAndRotate.ts';

// reference: test/reference/data_augment.py, torchvision.transforms.functional.rotate 0.14
// (bilinear, zero padding) on float tensors; the 90° result equals numpy.rot90.
const ROT90_INPUT = [
  0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.325, 0.35, 0.375, 0.4, 0.425, 0.45, 0.475, 0.5, 0.525, 0.55,
  0.575, 0.6, 0.625, 0.65, 0.675, 0.7, 0.725, 0.75, 0.775, 0.8,
];
const ROT90_EXPECTED = [
  0.175, 0.2, 0.375, 0.4, 0.575, 0.6, 0.775, 0.8, 0.125, 0.15, 0.325, 0.35, 0.525, 0.55, 0.725, 0.75, 0.075, 0.1, 0.275, 0.3, 0.475, 0.5,
  0.675, 0.7, 0.025, 0.05, 0.225, 0.25, 0.425, 0.45, 0.625, 0.65,
];
const ROT30_INPUT = [
  0.0, 0.7, 0.3, 1.0, 0.6, 0.2, 0.9, 0.5, 0.1, 0.8, 0.4, 0.0, 0.7, 0.3, 1.0, 0.6, 0.2, 0.9, 0.5, 0.1, 0.8, 0.4, 0.0, 0.7, 0.3,
];
const ROT30_EXPECTED = [
  0.158846, 0.302405, 0.758846, 0.694005, 0.228719, 0.564359, 0.573205, 0.326795, 0.483013, 0.675352, 0.387564, 0.470096, 0.7, 0.45359,
  0.20718, 0.286603, 0.219615, 0.523205, 0.571539, 0.580385, 0.14641, 0.59282, 0.34641, 0.041154, 0.137307,
];

const none = { flipH: false, flipV: false, degrees: 0 };

describe('flipAndRotate', () => {
  it('flips each image by its own choice', () => {
    // Two 2x3 one-channel images with distinct pixels.
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3, 1]);
    const y = flipAndRotate(x, [{ ...none, flipH: true }, { ...none, flipV: true }]);
    expect(Array.from(y.dataSync())).toEqual([3, 2, 1, 6, 5, 4, 10, 11, 12, 7, 8, 9]);
    const both = flipAndRotate(x, [{ ...none, flipH: true, flipV: true }, none]);
    expect(Array.from(both.dataSync())).toEqual([6, 5, 4, 3, 2, 1, 7, 8, 9, 10, 11, 12]);
    tf.dispose([x, y, both]);
  });

  it('rotates 90° counter-clockwise exactly as torchvision (and numpy.rot90)', () => {
    const x = tf.tensor4d(ROT90_INPUT, [1, 4, 4, 2]);
    const y = flipAndRotate(x, [{ ...none, degrees: 90 }]);
    const got = Array.from(y.dataSync());
    ROT90_EXPECTED.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, y]);
  });

  it('matches torchvision bilinear rotation at 30°, black outside the source', () => {
    // The image twice, so the per-image path is exercised: the second copy is rotated back.
    const x = tf.tensor4d([...ROT30_INPUT, ...ROT30_INPUT], [2, 5, 5, 1]);
    const y = flipAndRotate(x, [
      { ...none, degrees: 30 },
      { ...none, degrees: 0.0001 },
    ]);
    const got = Array.from(y.dataSync());
    ROT30_EXPECTED.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    ROT30_INPUT.forEach((v, i) => expect(got[25 + i]).toBeCloseTo(v, 3));
    tf.dispose([x, y]);
  });

  it('returns a new tensor and leaks nothing', () => {
    const x = tf.ones([3, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const same = flipAndRotate(x, [none, none, none]);
      const turned = flipAndRotate(x, [{ ...none, degrees: 10 }, none, { ...none, flipH: true }]);
      expect(same).not.toBe(x);
      tf.dispose([same, turned]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('flipAndRotateBoxes', () => {
  it('mirrors boxes with flips and takes the hull of rotated corners', () => {
    const boxes = Float32Array.from([0.1, 0.2, 0.3, 0.6, 0.1, 0.2, 0.3, 0.6, 0.25, 0.25, 0.75, 0.75]);
    flipAndRotateBoxes(
      boxes,
      [
        { ...none, flipH: true },
        { ...none, degrees: 90 },
        { ...none, degrees: 45 },
      ],
      10,
      10,
    );
    const got = Array.from(boxes);
    [0.7, 0.2, 0.9, 0.6].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    // 90° counter-clockwise: (x, y) -> (y, 1 - x).
    [0.2, 0.7, 0.6, 0.9].forEach((v, i) => expect(got[4 + i]).toBeCloseTo(v, 6));
    const r = 0.25 * Math.SQRT2;
    [0.5 - r, 0.5 - r, 0.5 + r, 0.5 + r].forEach((v, i) => expect(got[8 + i]).toBeCloseTo(v, 6));
  });
});
