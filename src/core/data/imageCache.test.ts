import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ImageCache } from './imageCache.ts';
import type { DecodedImage, SampleRef, SampleSource } from './sampleSource.ts';

// reference: test/reference/data_augment.py — torch.nn.functional.interpolate(bilinear,
// align_corners=False, antialias=False) for 3x3 -> 5x5, avg_pool2d(2) for 8x8 -> 4x4, and
// PIL Image.convert('L') for the grey pixels.
const UP_INPUT = [0, 37, 74, 111, 148, 185, 222, 3, 40, 77, 114, 151, 188, 225, 6, 43, 80, 117, 154, 191, 228, 9, 46, 83, 120, 157, 194];
const UP_EXPECTED = [
  0.0, 37.0, 74.0, 44.4, 81.4, 118.4, 111.0, 148.0, 185.0, 177.6, 61.0, 98.0, 222.0, 3.0, 40.0, 30.8, 67.8, 104.8, 75.2, 112.2, 108.24, 141.8,
  178.8, 113.4, 146.96, 91.8, 87.84, 150.4, 33.8, 70.8, 77.0, 114.0, 151.0, 121.4, 158.4, 93.0, 188.0, 225.0, 6.0, 101.0, 138.0, 72.6, 43.0, 80.0,
  117.0, 123.2, 160.2, 197.2, 106.16, 143.16, 139.2, 80.6, 117.6, 52.2, 85.76, 122.76, 118.8, 89.2, 126.2, 163.2, 154.0, 191.0, 228.0, 96.0,
  133.0, 170.0, 9.0, 46.0, 83.0, 75.6, 112.6, 149.6, 120.0, 157.0, 194.0,
];
const DOWN_INPUT = [
  0, 30, 62, 96, 132, 170, 210, 252, 40, 86, 134, 184, 236, 34, 90, 148, 208, 14, 78, 144, 212, 26, 98, 172, 248, 70, 150, 232, 60, 146, 234,
  68, 160, 254, 94, 192, 36, 138, 242, 92, 200, 54, 166, 24, 140, 2, 122, 244, 112, 238, 110, 240, 116, 250, 130, 12, 152, 38, 182, 72, 220,
  114, 10, 164,
];
const DOWN_EXPECTED = [39, 119, 143, 175, 135, 151, 111, 143, 167, 119, 79, 175, 135, 151, 175, 79];
const GREY_PIXELS = [255, 0, 0, 0, 255, 0, 0, 0, 255, 12, 200, 99, 250, 251, 3];
const GREY_PIL = [76, 150, 29, 132, 222];

type Entry = { ref: SampleRef; image?: DecodedImage; error?: string };

function source(entries: Entry[]): SampleSource {
  return {
    description: 'test samples',
    list: async () => entries.map((e) => e.ref),
    read: async (ref) => {
      const e = entries.find((x) => x.ref.id === ref.id);
      if (!e?.image) throw new Error(`${ref.id}: ${e?.error ?? 'missing'}`);
      return e.image;
    },
  };
}

const img = (width: number, height: number, channels: 1 | 3 | 4, data: number[]): DecodedImage => ({
  width,
  height,
  channels,
  data: Uint8Array.from(data),
});

async function load(entries: Entry[], imageSize: number, channels: 1 | 3, onProgress?: (d: number, t: number) => void) {
  const src = source(entries);
  return ImageCache.load(src, await src.list(), { imageSize, channels, ...(onProgress ? { onProgress } : {}) });
}

describe('ImageCache', () => {
  it('keeps samples sorted by id with sorted class names, and sets bad samples aside', async () => {
    const progress: [number, number][] = [];
    const cache = await load(
      [
        { ref: { id: 'b/2.png', className: 'b' }, image: img(1, 1, 1, [20]) },
        { ref: { id: 'a/1.png', className: 'a' }, image: img(1, 1, 1, [10]) },
        { ref: { id: 'a/broken.png', className: 'a' }, error: 'not an image' },
        { ref: { id: 'c/short.png', className: 'c' }, image: img(2, 2, 1, [1, 2]) },
        { ref: { id: 'b/0.png', className: 'b' }, image: img(1, 1, 1, [30]) },
      ],
      1,
      1,
      (d, t) => progress.push([d, t]),
    );
    expect(cache.refs.map((r) => r.id)).toEqual(['a/1.png', 'b/0.png', 'b/2.png']);
    expect(cache.classNames).toEqual(['a', 'b']);
    expect(Array.from(cache.labels)).toEqual([0, 1, 1]);
    expect([0, 1, 2].map((i) => cache.pixels(i)[0])).toEqual([10, 30, 20]);
    expect(cache.badSamples).toEqual([
      { id: 'a/broken.png', reason: 'a/broken.png: not an image' },
      { id: 'c/short.png', reason: 'decoded data has 2 bytes, expected 2x2x1 = 4' },
    ]);
    expect(cache.size).toBe(3);
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toEqual([5, 5]);
  });

  it('converts channels: grey from RGB as PIL does, RGB from grey, alpha dropped', async () => {
    const pixels = GREY_PIL.map((_, i) => ({ ref: { id: `p${i}`, className: 'k' }, image: img(1, 1, 3, GREY_PIXELS.slice(i * 3, i * 3 + 3)) }));
    const grey = await load(pixels, 1, 1);
    expect(grey.channels).toBe(1);
    expect(GREY_PIL.map((_, i) => grey.pixels(i)[0])).toEqual(GREY_PIL);
    // Not square: stretched to the square training size, as seed 001's tf.image.resize did.
    const stretched = await load([{ ref: { id: 'g', className: 'k' }, image: img(2, 1, 1, [7, 9]) }], 2, 3);
    expect(Array.from(stretched.pixels(0))).toEqual([7, 7, 7, 9, 9, 9, 7, 7, 7, 9, 9, 9]);
    const same = await load([{ ref: { id: 'g', className: 'k' }, image: img(2, 2, 1, [7, 9, 11, 13]) }], 2, 3);
    expect(Array.from(same.pixels(0))).toEqual([7, 7, 7, 9, 9, 9, 11, 11, 11, 13, 13, 13]);
    const rgba = await load([{ ref: { id: 'a', className: 'k' }, image: img(1, 1, 4, [1, 2, 3, 200]) }], 1, 3);
    expect(Array.from(rgba.pixels(0))).toEqual([1, 2, 3]);
  });

  it('resizes bilinearly with half-pixel centres as torch does (upsampling)', async () => {
    const cache = await load([{ ref: { id: 'u', className: 'k' }, image: img(3, 3, 3, UP_INPUT) }], 5, 3);
    const got = Array.from(cache.pixels(0));
    expect(got).toHaveLength(75);
    UP_EXPECTED.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(0.5 + 1e-3));
  });

  it('averages whole blocks when shrinking, as avg_pool does, so large photos do not alias', async () => {
    const cache = await load([{ ref: { id: 'd', className: 'k' }, image: img(8, 8, 1, DOWN_INPUT) }], 4, 1);
    expect(Array.from(cache.pixels(0))).toEqual(DOWN_EXPECTED);
  });

  it('leaves no tensors behind and reports boxes', async () => {
    const before = tf.memory().numTensors;
    const cache = await load(
      [
        { ref: { id: '1', className: 'k', bbox: [0.1, 0.2, 0.3, 0.4] }, image: img(4, 4, 1, Array(16).fill(5)) },
        { ref: { id: '2', className: 'k' }, image: img(3, 5, 3, Array(45).fill(9)) },
      ],
      2,
      3,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(cache.hasBoxes).toBe(true);
    expect(cache.box(0)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(cache.box(1)).toEqual([0, 0, 0, 0]);
    expect(Array.from(cache.pixels(1))).toEqual(Array(12).fill(9));
    cache.dispose();
    expect(() => cache.pixels(0)).toThrow('the image cache was disposed');
  });
});
