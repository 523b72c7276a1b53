import { describe, expect, it } from 'vitest';
import { countTicks, frame, linearTicks } from './svgFrame.ts';

describe('countTicks', () => {
  it('steps by 1, 2 or 5 × 10^k from 0 past the largest count', () => {
    expect(countTicks(1)).toEqual([0, 1]);
    expect(countTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(33)).toEqual([0, 10, 20, 30, 40]);
    expect(countTicks(40)).toEqual([0, 10, 20, 30, 40]);
    expect(countTicks(120)).toEqual([0, 50, 100, 150]);
    expect(countTicks(3000)).toEqual([0, 1000, 2000, 3000]);
  });
});

describe('frame', () => {
  it('maps a log axis by decades and keeps values inside the plot', () => {
    const ticks = [0.001, 0.01, 0.1, 1];
    const f = frame(420, 300, { label: 'x', min: 0.001, max: 1, log: true, ticks }, { label: 'y', min: 0, max: 1, ticks: linearTicks(0, 1, 4) });
    const xs = ticks.map((t) => f.x(t));
    // Equal spacing per decade, from the left edge to the right.
    expect(xs[0]).toBe(f.left);
    expect(xs[3]).toBe(f.right);
    expect(xs[2] - xs[1]).toBeCloseTo(xs[1] - xs[0], 9);
    expect(f.x(1e-9)).toBe(f.left);
    expect(f.y(2)).toBe(f.top);
  });
});
