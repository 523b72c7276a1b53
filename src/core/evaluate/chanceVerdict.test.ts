import { describe, expect, it } from 'vitest';
import type { Box } from '../data/sampleSource.ts';
import { wilsonInterval } from '../metrics/index.ts';
import { Rng } from '../util/rng.ts';
import { chanceVerdict, constantBoxIou, NOT_LEARNED_SUGGESTIONS } from './chanceVerdict.ts';
import { evaluateClassification, evaluateDetection, evaluateVerification } from './evaluatePredictions.ts';
import { evaluateReference as ref } from './fixtures/evaluateReference.ts';

// Real predictions: test/reference/evaluate_predictions.py (a 4-class model's softmax outputs, 40 images,
// top-1 0.45 per scikit-learn; 12 embeddings of 4 identities, AUC 0.722 on 12 pairs). The Wilson
// bounds quoted in comments are scipy's (test/reference/metrics_intervals.py's method).
const shapes = ['circle', 'square', 'triangle'];

/** One-hot-ish probabilities that predict `predicted[i]` with confidence 0.8. */
function probsFor(predicted: number[], classes: number): number[][] {
  return predicted.map((p) => Array.from({ length: classes }, (_, c) => (c === p ? 0.8 : 0.2 / (classes - 1))));
}

describe('chanceVerdict: classification', () => {
  it('says a model that answers one class for everything has not learned (issue 27: every image "triangle")', () => {
    const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const result = evaluateClassification(probsFor(Array(9).fill(2), 3), labels, shapes);
    const v = chanceVerdict(result, shapes);
    expect(v.learned).toBe(false);
    expect(v.headline).toMatch(/has not learned/);
    expect(v.reasons[0]).toContain('every one of the 9 images as “triangle”');
    // 3 of 9: Wilson 12.1 %–64.6 % holds 1/3.
    expect(v.reasons[1]).toContain('33.3 % (95 % interval 12.1 %–64.6 %, 9 images) includes chance');
    expect(v.suggestions).toEqual(NOT_LEARNED_SUGGESTIONS);
    expect(v.suggestions.join(' ')).toMatch(/more epochs/);
    expect(v.suggestions.join(' ')).toMatch(/LR finder/);
    expect(v.suggestions.join(' ')).toMatch(/pretrained/);
  });

  it('says top-1 inside the interval of 1/classes is chance even when the model spreads its answers', () => {
    // 5 classes, 20 images, 5 right (25 %): Wilson 11.2 %–46.9 % holds 20 %.
    const labels = Array.from({ length: 20 }, (_, i) => i % 5);
    const predicted = labels.map((l, i) => (i < 5 ? l : (l + 1) % 5));
    const names = ['a', 'b', 'c', 'd', 'e'];
    const v = chanceVerdict(evaluateClassification(probsFor(predicted, 5), labels, names), names);
    expect(v.learned).toBe(false);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(/25\.0 % .* includes chance: guessing among 5 classes scores 20\.0 %/);
  });

  it('says a model no better than always answering the most common class has not learned', () => {
    // 80 × class 0, 20 × class 1; 80 % right, but 80 % is what answering "circle" every time scores.
    const labels = [...Array(80).fill(0), ...Array(20).fill(1)];
    const predicted = [...Array(78).fill(0), 1, 1, 1, 1, ...Array(18).fill(0)];
    const names = ['circle', 'square'];
    const result = evaluateClassification(probsFor(predicted, 2), labels, names);
    expect(result.topK[0].accuracy).toBe(0.8);
    const v = chanceVerdict(result, names);
    expect(v.learned).toBe(false);
    expect(v.reasons[0]).toContain('no better than always answering “circle”');
  });

  it('says the reference model learned: 18 of 40 is above chance for 4 classes', () => {
    const names = ['a', 'b', 'c', 'd'];
    const result = evaluateClassification(ref.probs, ref.labels, names);
    expect(result.topK[0].interval).toEqual(wilsonInterval(18, 40));
    const v = chanceVerdict(result, names);
    expect(v.learned).toBe(true);
    expect(v.suggestions).toEqual([]);
    expect(v.reasons[0]).toMatch(/45\.0 % \(95 % interval 30\.7 %–60\.2 %, 40 images\) is above chance \(25\.0 %/);
  });
});

describe('chanceVerdict: verification', () => {
  it('says AUC whose interval holds 0.5 is chance (the reference: AUC 0.722 on 6 + 6 pairs)', () => {
    const pairs = ref.pairs.map(([a, b, same]) => ({ a, b, same: same as 0 | 1 }));
    const result = evaluateVerification({ data: Float32Array.from(ref.embeddings.flat()), dim: ref.embeddings[0].length }, ref.identities, 1, pairs);
    expect(result.aucInterval.low).toBeLessThanOrEqual(0.5);
    const v = chanceVerdict(result, []);
    expect(v.learned).toBe(false);
    expect(v.reasons[0]).toMatch(/^ROC AUC 0\.722 \(95 % interval .*, 6 genuine and 6 impostor pairs\) includes 0\.5/);
  });

  it('says collapsed embeddings (every pair the same similarity) have not learned', () => {
    const identities = Array.from({ length: 24 }, (_, i) => i % 6);
    const data = new Float32Array(24 * 4).map((_, i) => (i % 4 === 0 ? 1 : 0));
    const v = chanceVerdict(evaluateVerification({ data, dim: 4 }, identities, 3), []);
    expect(v.learned).toBe(false);
    expect(v.reasons[0]).toMatch(/^Every pair has the same similarity \(1\.000\): the embeddings collapsed/);
  });

  it('says well-separated identities learned', () => {
    const rng = new Rng(5);
    const identities = Array.from({ length: 60 }, (_, i) => i % 12);
    const dim = 16;
    const data = new Float32Array(60 * dim);
    identities.forEach((id, i) => {
      for (let d = 0; d < dim; d++) data[i * dim + d] = (d === id ? 1 : 0) + 0.05 * rng.normal();
    });
    const result = evaluateVerification({ data, dim }, identities, 3);
    const v = chanceVerdict(result, []);
    expect(v.learned).toBe(true);
    expect(result.aucInterval.low).toBeGreaterThan(0.9);
  });
});

describe('chanceVerdict: detection', () => {
  const rng = new Rng(11);
  const n = 40;
  const truth: Box[] = Array.from({ length: n }, () => {
    const x = rng.uniform(0, 0.6);
    const y = rng.uniform(0, 0.6);
    const s = rng.uniform(0.2, 0.4);
    return [x, y, x + s, y + s];
  });
  const labels = truth.map((_, i) => i % 2);
  const names = ['face', 'none'];
  const goodProbs = labels.map((l) => (l === 0 ? [0.95, 0.05] : [0.05, 0.95]));

  it('says boxes that do not move have not learned (issue 27: every box the same small box)', () => {
    const still: Box[] = truth.map((_, i) => [0.45 + 0.001 * (i % 3), 0.45, 0.55, 0.55]);
    const v = chanceVerdict(evaluateDetection(goodProbs, labels, still, truth, names), names);
    expect(v.learned).toBe(false);
    expect(v.reasons[0]).toMatch(/^The predicted boxes do not move: their corners vary by 0\.1 % of the image across 40 images/);
    expect(v.reasons[1]).toMatch(/no better than drawing the average true box on every image/);
  });

  it('says a one-class class head has not learned even when the boxes follow the objects', () => {
    const v = chanceVerdict(evaluateDetection(labels.map(() => [0.9, 0.1]), labels, truth, truth, names), names);
    expect(v.learned).toBe(false);
    expect(v.reasons[0]).toContain('The class head predicted every one of the 40 images as “face”');
  });

  it('says boxes that follow the objects, with a class head above chance, learned', () => {
    const close: Box[] = truth.map((b) => b.map((c) => c + 0.01 * rng.normal()) as Box);
    const result = evaluateDetection(goodProbs, labels, close, truth, names);
    const v = chanceVerdict(result, names);
    expect(v.learned).toBe(true);
    expect(result.meanIouInterval.low).toBeGreaterThan(constantBoxIou(truth));
  });

  it('scores the fixed-box baseline as the IoU of the average true box', () => {
    // Two boxes; their average is [0.25, 0, 0.75, 0.5]: IoU 1/3 with each (overlap 0.125 of union 0.375).
    expect(constantBoxIou([[0, 0, 0.5, 0.5], [0.5, 0, 1, 0.5]])).toBeCloseTo(1 / 3, 12);
  });
});
