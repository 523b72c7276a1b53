import { describe, expect, it } from 'vitest';
import type { Box } from '../data/sampleSource.ts';
import { rates } from '../metrics/index.ts';
import { evaluateClassification, evaluateDetection, evaluatePredictions, evaluateVerification } from './evaluatePredictions.ts';
import { evaluateReference as ref } from './fixtures/evaluateReference.ts';
import { bandsAt, detectionAt, verificationAt } from './thresholdView.ts';

// Reference values: test/reference/evaluate_predictions.py (scikit-learn 1.2 / numpy from Debian).
const names = ['a', 'b', 'c', 'd'];

describe('evaluateClassification', () => {
  const result = evaluateClassification(ref.probs, ref.labels, names);

  it('matches scikit-learn on the confusion matrix, per-class scores and top-k', () => {
    expect(result.confusion).toEqual(ref.confusion);
    result.report.perClass.forEach((c, i) => {
      expect(c.precision).toBeCloseTo(ref.precision[i], 12);
      expect(c.recall).toBeCloseTo(ref.recall[i], 12);
      expect(c.f1).toBeCloseTo(ref.f1[i], 12);
    });
    expect(result.topK.map((t) => t.k)).toEqual([1, 2, 3, 4]);
    expect(result.topK[0].accuracy).toBeCloseTo(ref.top1, 12);
    expect(result.topK[1].accuracy).toBeCloseTo(ref.top2, 12);
    expect(result.topK[3].accuracy).toBe(1);
  });

  it('lists each sample in exactly the confusion cell it counts in', () => {
    const seen = result.cells.flat(2).sort((a, b) => a - b);
    expect(seen).toEqual(ref.labels.map((_, i) => i));
    result.cells.forEach((row, t) => row.forEach((members, p) => expect(members.length).toBe(ref.confusion[t][p])));
    for (const i of result.cells[1][2]) expect([ref.labels[i], result.predicted[i]]).toEqual([1, 2]);
  });

  it('orders mistakes by the confidence of the wrong answer', () => {
    const wrong = ref.labels.filter((l, i) => l !== result.predicted[i]).length;
    expect(result.mistakes).toHaveLength(Math.min(48, wrong));
    for (const m of result.mistakes) expect(m.confidence).toBe(Math.max(...ref.probs[m.index]));
    for (let i = 1; i < result.mistakes.length; i++) expect(result.mistakes[i - 1].confidence).toBeGreaterThanOrEqual(result.mistakes[i].confidence);
  });

  it('puts every sample in one confidence band whatever the thresholds', () => {
    for (const t of [{ use: 0.9, caution: 0.7 }, { use: 0.5, caution: 0.5 }, { use: 1, caution: 0 }]) {
      const b = bandsAt(result, t);
      expect(b.use.count + b.caution.count + b.review.count).toBe(ref.labels.length);
    }
    const strict = bandsAt(result, { use: 0.9, caution: 0.7 });
    expect(strict.use.count).toBe(result.confidence.filter((c) => c > 0.9).length);
  });

  it('refuses predictions that do not fit the classes', () => {
    expect(() => evaluateClassification(ref.probs, ref.labels, ['a', 'b'])).toThrow('the model predicts 4 classes, the data names 2');
    expect(() => evaluateClassification([[0.5, 0.5]], [2], ['a', 'b'])).toThrow('label 2 of sample 0 is not a class index below 2');
    expect(() => evaluateClassification([], [], names)).toThrow('the split is empty');
  });
});

describe('evaluateVerification', () => {
  const embeddings = { data: Float32Array.from(ref.embeddings.flat()), dim: ref.embeddings[0].length };
  const pairs = ref.pairs.map(([a, b, same]) => ({ a, b, same: same as 0 | 1 }));
  const result = evaluateVerification(embeddings, ref.identities, 1, pairs);

  it('scores imported pairs by cosine similarity and matches scikit-learn AUC and numpy histograms', () => {
    expect(result.pairSource).toBe('imported');
    result.pairs.forEach((p, i) => expect(p.score).toBeCloseTo(ref.scores[i], 6));
    expect(result.auc).toBeCloseTo(ref.auc, 10);
    expect(result.histogram.genuine).toEqual(ref.histGenuine);
    expect(result.histogram.impostor).toEqual(ref.histImpostor);
    expect(result.identities).toBe(4);
  });

  it('gives the slider the same rates as the metric at any threshold', () => {
    const scores = result.pairs.map((p) => p.score);
    const same = result.pairs.map((p) => p.same);
    for (const t of [-1, result.eer.threshold, 0.3, 1]) expect(verificationAt(result, t)).toEqual(rates(scores, same, t));
    expect(verificationAt(result, -1.01).far).toBe(1);
  });

  it('quotes only false-accept rates the impostor count can resolve', () => {
    // 6 impostor pairs: 10 % is below one pair too, so none.
    expect(result.atFar).toEqual([]);
    const generated = evaluateVerification(embeddings, ref.identities, 3);
    expect(generated.pairSource).toBe('generated');
    expect(generated.pairs.length).toBeGreaterThan(0);
  });
});

describe('evaluateDetection', () => {
  const truth: Box[] = [
    [0.1, 0.1, 0.5, 0.5],
    [0.2, 0.2, 0.6, 0.6],
    [0, 0, 1, 1],
    [0.5, 0.5, 0.9, 0.9],
  ];
  const predicted: Box[] = [
    [0.1, 0.1, 0.5, 0.5],
    [0.6, 0.6, 0.9, 0.9],
    [0, 0, 0.5, 1],
    [0.5, 0.5, 0.85, 0.9],
  ];
  const probs = [
    [0.95, 0.05],
    [0.97, 0.03],
    [0.2, 0.8],
    [0.6, 0.4],
  ];
  const result = evaluateDetection(probs, [0, 0, 1, 0], predicted, truth, ['face', 'none'], 0.9);

  it('measures each box and precision at IoU 0.5 above the cut', () => {
    // IoUs by hand: identical 1; disjoint 0; half the image 0.5; 0.35·0.4 / 0.4·0.4 = 0.875.
    expect(result.items.map((i) => i.iou)).toEqual([1, 0, 0.5, expect.closeTo(0.875, 12)]);
    expect(result.meanIou).toBeCloseTo((1 + 0 + 0.5 + 0.875) / 4, 12);
    // Above 0.9: samples 0 and 1; only 0 overlaps enough. Precision counts all 4 images.
    expect(result.precisionAtIou50).toBe(0.25);
    expect(detectionAt(result, 0.9)).toEqual({ kept: 2, precisionAtIou50: 0.25, meanIou: 0.5 });
    expect(detectionAt(result, 0)).toEqual({ kept: 4, precisionAtIou50: 0.75, meanIou: expect.closeTo(2.375 / 4, 12) });
    expect(result.iouHistogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(result.iouHistogram.counts.at(-1)).toBe(1);
  });

  it('goes through evaluatePredictions by task', () => {
    const viaTask = evaluatePredictions({
      task: 'detection',
      predictions: { probs: probs.map((r) => Float32Array.from(r)), labels: Int32Array.from([0, 0, 1, 0]), boxes: predicted, trueBoxes: truth, partSums: {} },
      classNames: ['face', 'none'],
      seed: 0,
    });
    expect(viaTask.kind).toBe('detection');
    expect(() => evaluatePredictions({ task: 'embedding', predictions: { labels: new Int32Array(1), partSums: {} }, classNames: [], seed: 0 })).toThrow('needs embeddings');
  });
});
