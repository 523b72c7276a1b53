import { describe, expect, it } from 'vitest';
import { chartScale, linearTicks, logTicks, tickStep } from './chartScale.ts';

// Reference values from d3-array 3 / d3-scale 4 (run in Node):
//   ticks(0, 1, 5)             -> [0, 0.2, 0.4, 0.6, 0.8, 1]
//   ticks(-0.37, 2.4, 6)       -> [0, 0.5, 1, 1.5, 2]        tickStep(-0.37, 2.4, 6) -> 0.5
//   ticks(1, 9, 5)             -> [2, 4, 6, 8]
//   ticks(0.0013, 0.0087, 5)   -> [0.002, 0.004, 0.006, 0.008]
//   scaleLinear().domain([-0.37, 2.4]).nice(6).domain()   -> [-0.5, 2.5]
//   scaleLinear().domain([0.2134, 1.8721]).nice(5).domain() -> [0, 2]
describe('linearTicks', () => {
  it('matches d3-array ticks', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(-0.37, 2.4, 6)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(linearTicks(1, 9, 5)).toEqual([2, 4, 6, 8]);
    expect(linearTicks(0.0013, 0.0087, 5)).toEqual([0.002, 0.004, 0.006, 0.008]);
    expect(tickStep(-0.37, 2.4, 6)).toBe(0.5);
  });
});

describe('logTicks', () => {
  it('gives decades over a wide range and 1-2-5 steps over a narrow one', () => {
    expect(logTicks(1e-7, 10)).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10]);
    expect(logTicks(0.15, 3)).toEqual([0.2, 0.5, 1, 2]);
  });
});

describe('chartScale', () => {
  it('widens a y domain to whole ticks as d3 nice() does and maps onto pixels', () => {
    const y = chartScale(-0.37, 2.4, 200, 0, { log: false, nice: true, ticks: 6 });
    expect(y.domain).toEqual([-0.5, 2.5]);
    expect(y(-0.5)).toBe(200);
    expect(y(2.5)).toBe(0);
    expect(y(1)).toBe(100);
    expect(y.invert(100)).toBe(1);
    expect(chartScale(0.2134, 1.8721, 0, 1, { log: false, nice: true, ticks: 5 }).domain).toEqual([0, 2]);
  });

  it('keeps an x domain to the data and maps a log scale by decades', () => {
    const x = chartScale(1e-4, 1, 0, 400, { log: true, nice: false, ticks: 5 });
    expect(x.domain).toEqual([1e-4, 1]);
    expect(x(1e-2)).toBeCloseTo(200, 9);
    expect(x.invert(300)).toBeCloseTo(0.1, 12);
    expect(x.ticks).toEqual([1e-4, 1e-3, 0.01, 0.1, 1]);
  });

  it('keeps whole ticks only on a counting axis', () => {
    expect(chartScale(2, 8, 0, 100, { log: false, nice: false, ticks: 12, integer: true }).ticks).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives a single value room to draw', () => {
    const y = chartScale(0.5, 0.5, 100, 0, { log: false, nice: false, ticks: 5 });
    expect(y.domain[0]).toBeLessThan(0.5);
    expect(y.domain[1]).toBeGreaterThan(0.5);
    expect(y(0.5)).toBeCloseTo(50, 9);
  });
});
