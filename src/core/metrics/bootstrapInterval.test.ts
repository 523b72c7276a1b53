import { describe, expect, it } from 'vitest';
import { evaluateReference as ref } from '../evaluate/fixtures/evaluateReference.ts';
import { bootstrapInterval, meanInterval, percentile, verificationIntervals } from './bootstrapInterval.ts';
import { classificationReport } from './classificationReport.ts';
import { expectedCalibrationError } from './expectedCalibrationError.ts';
import { equalErrorRate } from './equalErrorRate.ts';
import { bootstrapLabels, bootstrapPoint, bootstrapReference, bootstrapScores, classificationBootstrapReference, meanReference, meanSample } from './fixtures/intervalData.ts';
import { rocAuc } from './rocAuc.ts';

// reference: test/reference/metrics_intervals.py — a stratified percentile bootstrap with
// 20000 resamples of numpy's default_rng(0) over sklearn's roc_auc_score and the EER rule of
// metrics_verification.py. Our draws come from our own seeded generator (1000 resamples by
// default, as the page uses), so the bounds agree to Monte-Carlo error: the tolerance below
// is several standard errors of a 2.5th percentile at this size (seen: AUC within 0.004, EER equal, mean within 0.008).
const MONTE_CARLO = 0.02;

describe('percentile', () => {
  it('interpolates linearly between order statistics, as numpy.percentile does', () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 97.5, 100]) = [1, 1.75, 2.5, 3.925, 4]
    const sorted = [1, 2, 3, 4];
    expect([0, 0.25, 0.5, 0.975, 1].map((q) => percentile(sorted, q))).toEqual([1, 1.75, 2.5, 3.925, 4]);
  });
});

describe('verificationIntervals', () => {
  it('the fixture is the reference script data: its point estimates match sklearn', () => {
    expect(rocAuc(bootstrapScores, bootstrapLabels)).toBeCloseTo(bootstrapPoint.auc, 12);
    expect(equalErrorRate(bootstrapScores, bootstrapLabels).eer).toBeCloseTo(bootstrapPoint.eer, 12);
  });

  it('agrees with a 20000-resample numpy bootstrap of AUC and EER', () => {
    const ci = verificationIntervals(bootstrapScores, bootstrapLabels);
    expect(Math.abs(ci.auc.low - bootstrapReference.auc[0])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(ci.auc.high - bootstrapReference.auc[1])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(ci.eer.low - bootstrapReference.eer[0])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(ci.eer.high - bootstrapReference.eer[1])).toBeLessThan(MONTE_CARLO);
    expect(ci.auc.low).toBeLessThan(bootstrapPoint.auc);
    expect(ci.auc.high).toBeGreaterThan(bootstrapPoint.auc);
  });

  it('is deterministic for a seed and moves with another', () => {
    const a = verificationIntervals(bootstrapScores, bootstrapLabels, { seed: 3 });
    expect(verificationIntervals(bootstrapScores, bootstrapLabels, { seed: 3 })).toEqual(a);
    expect(verificationIntervals(bootstrapScores, bootstrapLabels, { seed: 4 })).not.toEqual(a);
  });

  it('narrows with more pairs of the same kind', () => {
    const times = (k: number) => ({
      s: Array.from({ length: k }, () => bootstrapScores).flat(),
      l: Array.from({ length: k }, () => bootstrapLabels).flat(),
    });
    const big = times(16);
    const small = verificationIntervals(bootstrapScores, bootstrapLabels);
    const large = verificationIntervals(big.s, big.l);
    expect(large.auc.high - large.auc.low).toBeLessThan((small.auc.high - small.auc.low) / 2.5);
  });

  it('contains 0.5 for scores that do not separate the kinds, and 1 for scores that do', () => {
    const l = Array.from({ length: 40 }, (_, i) => i % 2);
    const chance = verificationIntervals(
      l.map((_, i) => Math.floor(i / 2) % 7),
      l,
    );
    expect(chance.auc.low).toBeLessThan(0.5);
    expect(chance.auc.high).toBeGreaterThan(0.5);
    const perfect = verificationIntervals(
      l.map((y, i) => y + i / 1000),
      l,
    );
    expect(perfect.auc).toEqual({ low: 1, high: 1 });
    expect(perfect.eer).toEqual({ low: 0, high: 0 });
  });

  it('refuses pairs of one kind and bad options', () => {
    expect(() => verificationIntervals([0.1, 0.2], [1, 1])).toThrow(/impostor/);
    expect(() => verificationIntervals(bootstrapScores, bootstrapLabels, { resamples: 1 })).toThrow(/resamples/);
    expect(() => verificationIntervals(bootstrapScores, bootstrapLabels, { confidence: 1 })).toThrow(/confidence/);
  });
});

describe('meanInterval', () => {
  it('agrees with a 20000-resample numpy bootstrap of the mean', () => {
    const ci = meanInterval(meanSample);
    expect(Math.abs(ci.low - meanReference.interval[0])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(ci.high - meanReference.interval[1])).toBeLessThan(MONTE_CARLO);
    expect(ci.low).toBeLessThan(meanReference.mean);
    expect(ci.high).toBeGreaterThan(meanReference.mean);
  });

  it('is a point for a constant sample and refuses an empty one', () => {
    expect(meanInterval([0.25, 0.25, 0.25])).toEqual({ low: 0.25, high: 0.25 });
    expect(() => meanInterval([])).toThrow(/empty/);
    expect(() => meanInterval([0.1, Number.NaN])).toThrow(/finite/);
  });
});

describe('bootstrapInterval', () => {
  const probs = ref.probs;
  const labels = ref.labels;
  const predicted = probs.map((row) => row.indexOf(Math.max(...row)));
  const macroF1 = (positions: Int32Array) =>
    classificationReport(
      Array.from(positions, (p) => labels[p]),
      Array.from(positions, (p) => predicted[p]),
      4,
    ).macro.f1;
  const ece = (positions: Int32Array) =>
    expectedCalibrationError(
      Array.from(positions, (p) => probs[p]),
      Array.from(positions, (p) => labels[p]),
      10,
    ).ece;

  it('agrees with a 20000-resample numpy bootstrap of macro F1 and ECE on the reference predictions', () => {
    expect(macroF1(Int32Array.from(labels, (_, i) => i))).toBeCloseTo(classificationBootstrapReference.macroF1, 12);
    expect(ece(Int32Array.from(labels, (_, i) => i))).toBeCloseTo(classificationBootstrapReference.ece, 12);
    const f1 = bootstrapInterval(labels.length, macroF1);
    const calibration = bootstrapInterval(labels.length, ece);
    expect(Math.abs(f1.low - classificationBootstrapReference.macroF1Interval[0])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(f1.high - classificationBootstrapReference.macroF1Interval[1])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(calibration.low - classificationBootstrapReference.eceInterval[0])).toBeLessThan(MONTE_CARLO);
    expect(Math.abs(calibration.high - classificationBootstrapReference.eceInterval[1])).toBeLessThan(MONTE_CARLO);
  });

  it('is meanInterval for the mean, draw for draw', () => {
    const mean = (positions: Int32Array) => Array.from(positions, (p) => meanSample[p]).reduce((a, b) => a + b, 0) / positions.length;
    expect(bootstrapInterval(meanSample.length, mean, { seed: 9 })).toEqual(meanInterval(meanSample, { seed: 9 }));
  });

  it('refuses an empty sample and a statistic that is never finite', () => {
    expect(() => bootstrapInterval(0, () => 1)).toThrow(/at least one sample/);
    expect(() => bootstrapInterval(3, () => Number.NaN)).toThrow(/not finite/);
  });
});
