import { describe, expect, it } from 'vitest';
import { confidenceBands } from './confidenceBands.ts';
import { calibrationProbs as probs } from './fixtures/calibrationData.ts';

describe('confidenceBands', () => {
  it('matches the reference counts with seed 004 thresholds', () => {
    // reference: test/reference/metrics_calibration.py (numpy): p > 0.9 use, 0.7 <= p <= 0.9 caution, p < 0.7 review
    const r = confidenceBands(probs);
    expect(r.use).toEqual({ count: 5, share: 5 / 40 });
    expect(r.caution).toEqual({ count: 15, share: 15 / 40 });
    expect(r.review).toEqual({ count: 20, share: 20 / 40 });
  });

  it('puts exactly 90% in caution and exactly 70% in caution', () => {
    const r = confidenceBands([[0.9, 0.1], [0.7, 0.3], [0.91, 0.09], [0.69, 0.31]]);
    expect(r.use.count).toBe(1);
    expect(r.caution.count).toBe(2);
    expect(r.review.count).toBe(1);
  });

  it('takes custom thresholds and Float32Array rows', () => {
    const r = confidenceBands([Float32Array.from([0.6, 0.4]), Float32Array.from([0.55, 0.45])], { use: 0.58, caution: 0.5 });
    expect(r.use.count).toBe(1);
    expect(r.caution.count).toBe(1);
  });

  it('rejects invalid input', () => {
    expect(() => confidenceBands([])).toThrow(/empty/);
    expect(() => confidenceBands([[0.5, 0.5]], { use: 0.5, caution: 0.8 })).toThrow(/caution <= use/);
  });
});
