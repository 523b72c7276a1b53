import { describe, expect, it } from 'vitest';
import type { Box } from '../data/sampleSource.ts';
import { boxIou } from './boxIou.ts';

// torchvision is not installed next to the reference scripts, so these are hand-checked
// values with the arithmetic written out: IoU = inter / (areaA + areaB - inter).
describe('boxIou', () => {
  it('partial overlap', () => {
    // a = [0, 0, 0.5, 0.5] area 0.25; b = [0.25, 0.25, 0.75, 0.75] area 0.25;
    // inter = [0.25, 0.25, 0.5, 0.5] = 0.25 * 0.25 = 0.0625; union = 0.4375; IoU = 1/7.
    expect(boxIou([0, 0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.75])).toBeCloseTo(1 / 7, 14);
  });

  it('unequal sizes and aspect ratios', () => {
    // a = [0.1, 0.2, 0.6, 0.5] area 0.5 * 0.3 = 0.15; b = [0.3, 0.1, 0.9, 0.4] area 0.6 * 0.3 = 0.18;
    // inter x 0.3..0.6 = 0.3, y 0.2..0.4 = 0.2 -> 0.06; union = 0.15 + 0.18 - 0.06 = 0.27; IoU = 2/9.
    expect(boxIou([0.1, 0.2, 0.6, 0.5], [0.3, 0.1, 0.9, 0.4])).toBeCloseTo(2 / 9, 14);
  });

  it('containment', () => {
    // b inside a: inter = area(b) = 0.2 * 0.2 = 0.04; union = area(a) = 1; IoU = 0.04.
    expect(boxIou([0, 0, 1, 1], [0.4, 0.4, 0.6, 0.6])).toBeCloseTo(0.04, 14);
  });

  it('identical boxes give 1 and the IoU is symmetric', () => {
    const a: Box = [0.12, 0.3, 0.55, 0.81];
    const b: Box = [0.2, 0.1, 0.7, 0.6];
    expect(boxIou(a, a)).toBe(1);
    expect(boxIou(a, b)).toBe(boxIou(b, a));
  });

  it('disjoint and edge-touching boxes give 0', () => {
    expect(boxIou([0, 0, 0.2, 0.2], [0.5, 0.5, 0.9, 0.9])).toBe(0);
    expect(boxIou([0, 0, 0.5, 0.5], [0.5, 0, 1, 0.5])).toBe(0);
  });

  it('treats inverted and zero-area boxes as empty', () => {
    expect(boxIou([0.6, 0.6, 0.2, 0.2], [0, 0, 1, 1])).toBe(0);
    expect(boxIou([0.3, 0.3, 0.3, 0.3], [0.3, 0.3, 0.3, 0.3])).toBe(0);
  });

  it('rejects malformed boxes', () => {
    expect(() => boxIou([0, 0, NaN, 1], [0, 0, 1, 1])).toThrow(/finite/);
    expect(() => boxIou([0, 0, 1] as unknown as Box, [0, 0, 1, 1])).toThrow(/\[x1, y1, x2, y2\]/);
  });
});
