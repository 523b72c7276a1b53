import { describe, expect, it } from 'vitest';
import { confidenceBands, precisionAtIou, rates, wilsonInterval } from '../metrics/index.ts';
import { evaluateClassification, evaluateDetection, evaluateVerification } from './evaluatePredictions.ts';
import { detectionCase } from './fixtures/detectionCase.ts';
import { evaluateReference as ref } from './fixtures/evaluateReference.ts';
import { bandsAt, detectionAt, verificationAt } from './thresholdView.ts';

// Predictions: test/reference/evaluate_predictions.py (scikit-learn / numpy).

describe('verificationAt', () => {
  const pairs = ref.pairs.map(([a, b, same]) => ({ a, b, same: same as 0 | 1 }));
  const result = evaluateVerification({ data: Float32Array.from(ref.embeddings.flat()), dim: ref.embeddings[0].length }, ref.identities, 1, pairs);

  it('gives the slider the rates the metric gives on the same pairs', () => {
    const same = pairs.map((p) => p.same);
    for (const t of [-1, result.eer.threshold, 0.3, 1]) expect(verificationAt(result, t)).toEqual(rates(ref.scores, same, t));
  });

  it('accepts everything below the lowest score and nothing above the highest', () => {
    expect(verificationAt(result, -1.01)).toMatchObject({ far: 1, frr: 0 });
    expect(verificationAt(result, 1.01)).toMatchObject({ far: 0, frr: 1 });
  });
});

describe('detectionAt', () => {
  const { truth, predicted, probs, labels, classNames } = detectionCase;
  const result = evaluateDetection(probs, labels, predicted, truth, classNames, 0.9);

  it('keeps the images above the cut and scores boxes as precisionAtIou does', () => {
    // IoUs 1, 0, 0.5, 0.875; confidences 0.95, 0.97, 0.8, 0.6.
    expect(detectionAt(result, 0.9)).toEqual({ kept: 2, hits: 1, precisionAtIou50: 0.25, precisionInterval: wilsonInterval(1, 4), meanIou: 0.5 });
    expect(detectionAt(result, 0)).toEqual({ kept: 4, hits: 3, precisionAtIou50: 0.75, precisionInterval: wilsonInterval(3, 4), meanIou: expect.closeTo(2.375 / 4, 12) });
    const confidences = probs.map((r) => Math.max(...r));
    for (const cut of [0.5, 0.7, 0.8, 0.96]) {
      expect(detectionAt(result, cut).precisionAtIou50).toBe(precisionAtIou(predicted, truth, 0.5, { confidences, minConfidence: cut }));
    }
  });

  it('agrees with the report at the report’s own cut', () => {
    expect(detectionAt(result, result.confidenceThreshold).precisionAtIou50).toBe(result.precisionAtIou50);
  });
});

describe('bandsAt', () => {
  const result = evaluateClassification(ref.probs, ref.labels, ['a', 'b', 'c', 'd']);

  it('puts every sample in one band whatever the thresholds, as confidenceBands does on the probabilities', () => {
    for (const t of [{ use: 0.9, caution: 0.7 }, { use: 0.5, caution: 0.5 }, { use: 1, caution: 0 }, { use: 0.8, caution: 0.3 }]) {
      const b = bandsAt(result, t);
      expect(b.use.count + b.caution.count + b.review.count).toBe(ref.labels.length);
      expect(b).toEqual(confidenceBands(ref.probs, t));
    }
  });
});
