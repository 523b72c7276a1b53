import { describe, expect, it } from 'vitest';
import { detCurve, rocAuc, rocCurve } from '../metrics/index.ts';
import { Rng } from '../util/rng.ts';
import { thinCurve, thinCurveIndices } from './thinCurve.ts';

/** Largest distance from a dropped point to the segment between the kept points around it, in drawn space. */
function maxDeviation(xs: number[], ys: number[], kept: number[], project: (v: number) => number = (v) => v): number {
  let worst = 0;
  for (let k = 0; k + 1 < kept.length; k++) {
    const [a, c] = [kept[k], kept[k + 1]];
    const [ax, ay, cx, cy] = [project(xs[a]), project(ys[a]), project(xs[c]), project(ys[c])];
    const len2 = (cx - ax) ** 2 + (cy - ay) ** 2;
    for (let i = a + 1; i < c; i++) {
      const [px, py] = [project(xs[i]), project(ys[i])];
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (cx - ax) + (py - ay) * (cy - ay)) / len2));
      worst = Math.max(worst, Math.hypot(px - (ax + t * (cx - ax)), py - (ay + t * (cy - ay))));
    }
  }
  return worst;
}

/** Area under a polyline by trapezoids. */
const trapezoid = (xs: number[], ys: number[]) => xs.slice(1).reduce((s, x, i) => s + ((x - xs[i]) * (ys[i + 1] + ys[i])) / 2, 0);

/** 3000 genuine and 3000 impostor scores, overlapping: a ROC of 6001 points, the size generated pairs reach. */
function overlappingScores(): { scores: number[]; same: number[] } {
  const rng = new Rng(7);
  const scores: number[] = [];
  const same: number[] = [];
  for (let i = 0; i < 3000; i++) {
    scores.push(0.5 + 0.2 * rng.normal(), 0.1 + 0.2 * rng.normal());
    same.push(1, 0);
  }
  return { scores, same };
}

describe('thinCurveIndices', () => {
  it('leaves a curve within the limit alone', () => {
    const curve = { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], thresholds: [Infinity, 0.3, 0.1] };
    expect(thinCurve(curve, 'fpr', 'tpr', 2000)).toBe(curve);
  });

  it('drops the points of straight runs before any corner', () => {
    // A staircase: 0,0 → 0,0.5 (via 0,0.25) → 0.5,0.5 (via 0.25,0.5) → 0.5,1 → 1,1 (via 0.75,1).
    const xs = [0, 0, 0, 0.25, 0.5, 0.5, 0.75, 1];
    const ys = [0, 0.25, 0.5, 0.5, 0.5, 1, 1, 1];
    expect(thinCurveIndices(xs, ys, 5)).toEqual([0, 2, 4, 5, 7]);
  });

  it('keeps a 6001-point ROC to 2000 points with the same area and the same drawn line', () => {
    const { scores, same } = overlappingScores();
    const roc = rocCurve(scores, same);
    expect(roc.fpr).toHaveLength(6001);
    const kept = thinCurveIndices(roc.fpr, roc.tpr, 2000);
    expect(kept).toHaveLength(2000);
    expect([kept[0], kept.at(-1)]).toEqual([0, 6000]);
    expect(kept.every((v, i) => i === 0 || v > kept[i - 1])).toBe(true);
    const thinned = thinCurve({ fpr: roc.fpr, tpr: roc.tpr, thresholds: roc.thresholds }, 'fpr', 'tpr', 2000);
    expect(thinned.thresholds).toEqual(kept.map((i) => roc.thresholds[i]));
    expect(trapezoid(thinned.fpr, thinned.tpr)).toBeCloseTo(rocAuc(scores, same), 3);
    // This staircase has fewer than 2000 corners, so every dropped point lay on a straight run: nothing moved.
    expect(maxDeviation(roc.fpr, roc.tpr, kept)).toBeLessThan(1e-12);
  });

  it('keeps the low-rate steps a log-scaled DET spreads out', () => {
    const { scores, same } = overlappingScores();
    const det = detCurve(scores, same);
    const kept = thinCurveIndices(det.fpr, det.fnr, 500, 'log');
    expect(kept).toHaveLength(500);
    const log = (v: number) => Math.log10(Math.max(1e-6, v));
    // Within 1/200 of a decade everywhere (a decade is ~80 px), and the smallest non-zero FAR and FRR are still drawn.
    expect(maxDeviation(det.fpr, det.fnr, kept, log)).toBeLessThan(0.005);
    const thinned = kept.map((i) => [det.fpr[i], det.fnr[i]]);
    const minPositive = (v: number[]) => Math.min(...v.filter((x) => x > 0));
    expect(minPositive(thinned.map(([x]) => x))).toBe(minPositive(det.fpr));
    expect(minPositive(thinned.map(([, y]) => y))).toBe(minPositive(det.fnr));
  });

  it('refuses a curve it cannot thin', () => {
    expect(() => thinCurveIndices([0, 1], [0], 2)).toThrow('got 2 x and 1 y');
    expect(() => thinCurveIndices([0, 0.5, 1], [0, 0.5, 1], 1)).toThrow('keeps at least its 2 ends; max is 1');
  });
});
