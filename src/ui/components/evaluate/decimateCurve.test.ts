import { describe, expect, it } from 'vitest';
import { decimateCurve } from './decimateCurve.ts';

/** A step curve like a ROC: each x repeated with rising y, thresholds falling. */
function stepCurve(n: number) {
  const points = [];
  for (let i = 0; i < n; i++) points.push({ x: Math.floor(i / 2) / (n / 2), y: Math.ceil(i / 2) / (n / 2), threshold: 1 - i / n });
  return points;
}

describe('decimateCurve', () => {
  it('keeps a short curve whole', () => {
    const curve = stepCurve(10);
    expect(decimateCurve(curve, 100)).toEqual(curve);
  });

  it('cuts a long curve to about two points a column, keeping both endpoints', () => {
    const curve = stepCurve(5000);
    const out = decimateCurve(curve, 100);
    expect(out.length).toBeLessThanOrEqual(2 * 100 + 2);
    expect(out[0]).toBe(curve[0]);
    expect(out[out.length - 1]).toBe(curve[curve.length - 1]);
  });

  it('keeps the pinned equal-error point, in its place, with its threshold', () => {
    const curve = stepCurve(5000);
    const eer = 2501;
    expect(decimateCurve(curve, 100)).not.toContain(curve[eer]);
    const out = decimateCurve(curve, 100, [eer]);
    const at = out.indexOf(curve[eer]);
    expect(at).toBeGreaterThan(0);
    expect(out[at - 1].threshold).toBeGreaterThan(curve[eer].threshold);
    expect(out[at + 1].threshold).toBeLessThan(curve[eer].threshold);
  });

  it('spreads columns evenly on a log axis', () => {
    const curve = Array.from({ length: 4000 }, (_, i) => ({ x: 10 ** (-4 + (4 * i) / 3999), y: 1 - i / 3999 }));
    const out = decimateCurve(curve, 40, [], true);
    // The first decade holds a quarter of the points on a log axis, not a thousandth as on a linear one.
    const firstDecade = out.filter((p) => p.x < 1e-3).length;
    expect(firstDecade).toBeGreaterThanOrEqual(15);
  });
});
