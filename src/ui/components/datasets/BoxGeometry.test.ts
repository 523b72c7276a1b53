import { describe, expect, it } from 'vitest';
import type { Box } from '../../../core/data/sampleSource.ts';
import { boxFromCorners, dragHandle, fitSize, isUsableBox, normalizeBox, nudgeStep, roundBox, toNormalized, translateBox } from './BoxGeometry.ts';

// Expected boxes are worked by hand from the rules each function states.
const close = (actual: Box, expected: Box) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));

describe('box geometry', () => {
  it('builds a box from corners in any order, clamped to the image', () => {
    expect(boxFromCorners({ x: 0.8, y: 0.1 }, { x: 0.2, y: 0.6 })).toEqual([0.2, 0.1, 0.8, 0.6]);
    expect(boxFromCorners({ x: -0.5, y: 0.5 }, { x: 1.5, y: 2 })).toEqual([0, 0.5, 1, 1]);
    expect(normalizeBox([0.9, 0.9, 0.1, 0.2])).toEqual([0.1, 0.2, 0.9, 0.9]);
  });

  it('moves a box without resizing it, stopping at the edges', () => {
    close(translateBox([0.1, 0.1, 0.3, 0.4], 0.2, 0.1), [0.3, 0.2, 0.5, 0.5]);
    // dx 0.9 would put x2 at 1.2: the move stops at x2 = 1, keeping the width 0.2.
    close(translateBox([0.1, 0.1, 0.3, 0.4], 0.9, -0.5), [0.8, 0, 1, 0.3]);
  });

  it('resizes by the edge or corner a handle names', () => {
    const start: Box = [0.2, 0.2, 0.6, 0.6];
    close(dragHandle(start, 'e', 0.1, 0.3), [0.2, 0.2, 0.7, 0.6]);
    close(dragHandle(start, 'n', 0.3, -0.1), [0.2, 0.1, 0.6, 0.6]);
    close(dragHandle(start, 'sw', -0.1, 0.1), [0.1, 0.2, 0.6, 0.7]);
    close(dragHandle(start, 'move', 0.1, 0.1), [0.3, 0.3, 0.7, 0.7]);
  });

  it('flips when an edge is dragged past the opposite one', () => {
    // the west edge at 0.2 dragged by +0.6 lands at 0.8, beyond the east edge at 0.6.
    close(dragHandle([0.2, 0.2, 0.6, 0.6], 'w', 0.6, 0), [0.6, 0.2, 0.8, 0.6]);
  });

  it('never collapses below the minimum size and never leaves the image', () => {
    // the east edge dragged to 0.01 from the west edge stops minSize (0.05) from it.
    close(dragHandle([0.2, 0.2, 0.6, 0.6], 'e', -0.39, 0, 0.05), [0.2, 0.2, 0.25, 0.6]);
    // dragged just past it, the box flips and opens minSize to the west.
    close(dragHandle([0.2, 0.2, 0.6, 0.6], 'e', -0.41, 0, 0.05), [0.15, 0.2, 0.2, 0.6]);
    // at the image's left border there is no room on the west, so the thin box opens to the east.
    close(dragHandle([0, 0.2, 0.4, 0.6], 'e', -0.41, 0, 0.05), [0, 0.2, 0.05, 0.6]);
    close(dragHandle([0.2, 0.2, 0.6, 0.6], 'se', 5, 5), [0.2, 0.2, 1, 1]);
  });

  it('tells usable boxes from clicks', () => {
    expect(isUsableBox([0.1, 0.1, 0.105, 0.5])).toBe(false);
    expect(isUsableBox([0.1, 0.1, 0.2, 0.5])).toBe(true);
  });

  it('maps pointer positions into the image and clamps outside ones', () => {
    const rect = { left: 100, top: 50, width: 200, height: 100 };
    expect(toNormalized(150, 75, rect)).toEqual({ x: 0.25, y: 0.25 });
    expect(toNormalized(0, 500, rect)).toEqual({ x: 0, y: 1 });
  });

  it('nudges by one image pixel, ten with shift', () => {
    expect(nudgeStep(200, false)).toBe(0.005);
    expect(nudgeStep(200, true)).toBe(0.05);
  });

  it('rounds to four decimals for storage', () => {
    expect(roundBox([0.123456, 0.5, 0.99999, 1 / 3])).toEqual([0.1235, 0.5, 1, 0.3333]);
  });

  it('fits an image inside a frame, keeping its aspect', () => {
    expect(fitSize(200, 100, 96, 96)).toEqual({ width: 96, height: 48 });
    expect(fitSize(30, 60, 120, 120)).toEqual({ width: 60, height: 120 });
  });
});
