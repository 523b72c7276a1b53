import { describe, expect, it } from 'vitest';
import { equalErrorRate } from './equalErrorRate.ts';
import { verificationLabels as labels, verificationScores as scores } from './fixtures/verificationData.ts';
import { rates } from './rates.ts';
import { rocCurve } from './rocCurve.ts';

// reference: test/reference/metrics_verification.py, the EER interpolation written out in numpy over
// sklearn.metrics.roc_curve 1.2.1 (drop_intermediate=False).
describe('equalErrorRate', () => {
  it('interpolates between the two ROC points that bracket FAR = FRR', () => {
    const { eer } = equalErrorRate(scores, labels);
    expect(eer).toBeCloseTo(0.17647058823529416, 14);
    // The crossing lies between the ROC points at 0.48 and 0.47.
    const roc = rocCurve(scores, labels);
    const i = roc.thresholds.indexOf(0.47);
    expect(roc.thresholds[i - 1]).toBe(0.48);
    expect(roc.fpr[i - 1] - (1 - roc.tpr[i - 1])).toBeLessThan(0);
    expect(roc.fpr[i] - (1 - roc.tpr[i])).toBeGreaterThan(0);
  });

  // The interpolated threshold (0.4741 in the reference script) lies between two scores, where
  // "accept if score >= threshold" gives the rates of the ROC point above it, not the EER. The
  // threshold returned is the nearer bracketing ROC point's, a real score: the slider's rule
  // (rates) there reproduces the FAR and FRR returned, and they bracket the EER.
  it('names a real threshold at which the slider shows the FAR and FRR it returns, bracketing the EER', () => {
    const r = equalErrorRate(scores, labels);
    expect([0.48, 0.47]).toContain(r.threshold);
    const at = rates(scores, labels, r.threshold);
    expect(at.far).toBe(r.far);
    expect(at.frr).toBe(r.frr);
    expect(Math.min(r.far, r.frr)).toBeLessThanOrEqual(r.eer);
    expect(Math.max(r.far, r.frr)).toBeGreaterThanOrEqual(r.eer);
    // The nearer of the two points: no other bracketing point has the rates closer together.
    for (const t of [0.48, 0.47]) {
      const other = rates(scores, labels, t);
      expect(Math.abs(r.far - r.frr)).toBeLessThanOrEqual(Math.abs(other.far - other.frr));
    }
  });

  it('returns a ROC point as it is when FAR = FRR exactly there', () => {
    // At threshold 0.6, 1 of 4 impostors is accepted and 1 of 4 genuine rejected.
    const r = equalErrorRate([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], [1, 1, 1, 0, 1, 0, 0, 0]);
    expect(r).toEqual({ eer: 0.25, threshold: 0.6, far: 0.25, frr: 0.25 });
  });

  it('is 0 for perfectly separated scores', () => {
    expect(equalErrorRate([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0])).toEqual({ eer: 0, threshold: 0.8, far: 0, frr: 0 });
  });

  it('agrees with the slider where ties make the rates jump (issue 27: "50.00 % at 0.600" beside FAR 36.67 %)', () => {
    // 30 genuine and 30 impostor pairs; a block of tied scores at 0.6 holds 15 genuine and 8 impostors,
    // so no threshold puts FAR near FRR and the interpolated threshold fell between 0.6 and 0.7.
    const s = [...Array(15).fill(0.6), ...Array(15).fill(0.2), ...Array(11).fill(0.7), ...Array(8).fill(0.6), ...Array(11).fill(0.1)];
    const l = [...Array(30).fill(1), ...Array(30).fill(0)];
    const r = equalErrorRate(s, l);
    const at = rates(s, l, r.threshold);
    expect([at.far, at.frr]).toEqual([r.far, r.frr]);
    expect(Math.min(r.far, r.frr)).toBeLessThanOrEqual(r.eer);
    expect(Math.max(r.far, r.frr)).toBeGreaterThanOrEqual(r.eer);
  });

  it('uses the next point threshold when the crossing starts at the accept-nothing point', () => {
    // Point 1 (threshold 0.9) has FAR 1, FRR 0.5: the gap goes -1 -> 0.5, t = 2/3,
    // EER = 0 + 2/3 * (1 - 0) = 1 + 2/3 * (0.5 - 1) = 2/3; no finite threshold lies before 0.9.
    const r = equalErrorRate([0.9, 0.9, 0.9, 0.1], [0, 0, 1, 1]);
    expect(r.threshold).toBe(0.9);
    expect(r.eer).toBeCloseTo(2 / 3, 14);
  });

  it('rejects a single class', () => {
    expect(() => equalErrorRate([0.1, 0.2], [1, 1])).toThrow(/impostor/);
  });
});
