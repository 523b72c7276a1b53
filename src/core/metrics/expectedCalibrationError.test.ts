import { describe, expect, it } from 'vitest';
import type { CalibrationBin } from './expectedCalibrationError.ts';
import { expectedCalibrationError } from './expectedCalibrationError.ts';
import { calibrationLabels as labels, calibrationProbs as probs } from './fixtures/calibrationData.ts';

// reference: test/reference/metrics_calibration.py, a numpy implementation of Guo et al. 2017
// (neither scikit-learn nor PyTorch ships an ECE function); bins (lower, upper], edges m / bins.
const bins15: CalibrationBin[] = [
  { lower: 0.0, upper: 0.06666666666666667, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.06666666666666667, upper: 0.13333333333333333, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.13333333333333333, upper: 0.2, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.2, upper: 0.26666666666666666, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.26666666666666666, upper: 0.3333333333333333, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.3333333333333333, upper: 0.4, confidence: 0.39055, accuracy: 1.0, count: 2 },
  { lower: 0.4, upper: 0.4666666666666667, confidence: 0.4296, accuracy: 1.0, count: 2 },
  { lower: 0.4666666666666667, upper: 0.5333333333333333, confidence: 0.5042166666666666, accuracy: 0.5, count: 6 },
  { lower: 0.5333333333333333, upper: 0.6, confidence: 0.57286, accuracy: 0.8, count: 5 },
  { lower: 0.6, upper: 0.6666666666666666, confidence: 0.6362666666666668, accuracy: 0.3333333333333333, count: 3 },
  { lower: 0.6666666666666666, upper: 0.7333333333333333, confidence: 0.7053125, accuracy: 0.75, count: 8 },
  { lower: 0.7333333333333333, upper: 0.8, confidence: 0.7877142857142857, accuracy: 0.7142857142857143, count: 7 },
  { lower: 0.8, upper: 0.8666666666666667, confidence: 0.8195, accuracy: 1.0, count: 1 },
  { lower: 0.8666666666666667, upper: 0.9333333333333333, confidence: 0.9106, accuracy: 1.0, count: 3 },
  { lower: 0.9333333333333333, upper: 1.0, confidence: 0.9561999999999999, accuracy: 1.0, count: 3 },
];
const bins5: CalibrationBin[] = [
  { lower: 0.0, upper: 0.2, confidence: 0.0, accuracy: 0.0, count: 0 },
  { lower: 0.2, upper: 0.4, confidence: 0.39055, accuracy: 1.0, count: 2 },
  { lower: 0.4, upper: 0.6, confidence: 0.5191384615384614, accuracy: 0.6923076923076923, count: 13 },
  { lower: 0.6, upper: 0.8, confidence: 0.7258499999999999, accuracy: 0.6666666666666666, count: 18 },
  { lower: 0.8, upper: 1.0, confidence: 0.9171285714285713, accuracy: 1.0, count: 7 },
];

function expectBins(got: CalibrationBin[], want: CalibrationBin[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((b, i) => {
    expect(b.count).toBe(want[i].count);
    expect(b.lower).toBeCloseTo(want[i].lower, 15);
    expect(b.upper).toBeCloseTo(want[i].upper, 15);
    expect(b.confidence).toBeCloseTo(want[i].confidence, 14);
    expect(b.accuracy).toBeCloseTo(want[i].accuracy, 14);
  });
}

describe('expectedCalibrationError', () => {
  it('matches the reference with the default 15 bins', () => {
    const r = expectedCalibrationError(probs, labels);
    expect(r.ece).toBeCloseTo(0.1470275, 14);
    expectBins(r.bins, bins15);
  });

  it('matches the reference with 5 bins, edge confidences in the lower bin', () => {
    // Rows 0 and 1 have confidence exactly 0.6 and 0.8: they belong to (0.4, 0.6] and (0.6, 0.8].
    const r = expectedCalibrationError(probs, labels, 5);
    expect(r.ece).toBeCloseTo(0.12788750000000002, 14);
    expectBins(r.bins, bins5);
  });

  it('is 0 for a perfectly calibrated toy set', () => {
    // Two samples at confidence 0.5, one right: bin accuracy 0.5 = bin confidence 0.5.
    const r = expectedCalibrationError([[0.5, 0.5], [0.5, 0.5]], [0, 1], 10);
    expect(r.ece).toBe(0);
    expect(r.bins[4]).toEqual({ lower: 0.4, upper: 0.5, confidence: 0.5, accuracy: 0.5, count: 2 });
  });

  it('rejects invalid input', () => {
    expect(() => expectedCalibrationError(probs, labels, 0)).toThrow(/bins/);
    expect(() => expectedCalibrationError(probs, labels.slice(1))).toThrow(/same length/);
    expect(() => expectedCalibrationError([[1.5, 0]], [0])).toThrow(/\[0, 1\]/);
    expect(() => expectedCalibrationError([[0.5, 0.5]], [2])).toThrow(/labels\[0\]/);
  });
});
