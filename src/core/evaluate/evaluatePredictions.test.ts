import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syntheticSource } from '../data/syntheticSource.ts';
import { equalErrorRate, rates, rocAuc, rocCurve, thresholdAtFar, verificationAccuracy, youdenThreshold } from '../metrics/index.ts';
import { buildModel } from '../models/buildModel.ts';
import { parseRunSpec, type RunSpecInput } from '../spec/runSpec.ts';
import { metricsFromPredictions, predictSplit, type Predictions } from '../train/evaluateSplit.ts';
import { prepareData } from '../train/prepareData.ts';
import { Rng } from '../util/rng.ts';
import { evaluateClassification, evaluateDetection, evaluatePredictions, evaluateVerification } from './evaluatePredictions.ts';
import { classificationBootstrapReference } from '../metrics/fixtures/intervalData.ts';
import { detectionCase } from './fixtures/detectionCase.ts';
import { evaluateReference as ref } from './fixtures/evaluateReference.ts';

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

  // Intervals: scipy's Wilson (18 of 40) and a 20000-resample numpy bootstrap (test/reference/metrics_intervals.py).
  it('gives top-k its Wilson interval and macro F1 and ECE their bootstrap intervals', () => {
    expect(result.topK[0]).toMatchObject({ correct: 18, interval: { low: expect.closeTo(0.30705307810904925, 12), high: expect.closeTo(0.6017090820106794, 12) } });
    expect(Math.abs(result.macroF1Interval.low - classificationBootstrapReference.macroF1Interval[0])).toBeLessThan(0.02);
    expect(Math.abs(result.macroF1Interval.high - classificationBootstrapReference.macroF1Interval[1])).toBeLessThan(0.02);
    expect(Math.abs(result.eceInterval.low - classificationBootstrapReference.eceInterval[0])).toBeLessThan(0.02);
    expect(Math.abs(result.eceInterval.high - classificationBootstrapReference.eceInterval[1])).toBeLessThan(0.02);
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

  it('quotes only false-accept rates the impostor count can resolve', () => {
    // 6 impostor pairs: 10 % is below one pair too, so none.
    expect(result.atFar).toEqual([]);
  });

  it('scores every pair of the identities when none are imported, and agrees with the metric functions on them', () => {
    const generated = evaluateVerification(embeddings, ref.identities, 3);
    expect(generated.pairSource).toBe('generated');
    const scores = generated.pairs.map((p) => p.score);
    const same = generated.pairs.map((p) => p.same);
    const genuine = same.filter((s) => s === 1).length;
    // 4 identities of 3 images: 4 · 3 genuine pairs and 6 · 9 impostors, every one of them, each once.
    expect([genuine, generated.pairs.length]).toEqual([12, 66]);
    expect(generated.pairProtocol).toEqual({ kind: 'all', genuineTotal: 12, impostorTotal: 54, genuine: 12, impostor: 54 });
    expect(new Set(generated.pairs.map((p) => `${p.a},${p.b}`)).size).toBe(66);
    for (const p of generated.pairs) expect(ref.identities[p.a] === ref.identities[p.b]).toBe(p.same === 1);
    expect(generated.auc).toBe(rocAuc(scores, same));
    expect(generated.eer).toEqual(equalErrorRate(scores, same));
    // Youden and FAR-target thresholds are named by the shortest decimal that accepts the same pairs.
    const youden = youdenThreshold(scores, same);
    expect({ ...generated.youden, threshold: youden.threshold }).toEqual(youden);
    expect(rates(scores, same, generated.youden.threshold)).toEqual(rates(scores, same, youden.threshold));
    expect(Number(generated.youden.threshold.toFixed(4))).toBe(generated.youden.threshold);
    expect(generated.tenFold).toEqual(verificationAccuracy(scores, same, 10));
    // 54 impostors resolve 10 % (5.4 pairs) but not 1 %.
    const atFar = thresholdAtFar(scores, same, 0.1);
    expect(generated.atFar).toEqual([{ target: 0.1, ...atFar, threshold: generated.atFar[0].threshold }]);
    expect(rates(scores, same, generated.atFar[0].threshold)).toEqual(rates(scores, same, atFar.threshold));
    expect(generated.atFar[0].far).toBeLessThanOrEqual(0.1);
    expect(generated.histogram.genuine.reduce((a, b) => a + b, 0)).toBe(genuine);
    expect(generated.histogram.impostor.reduce((a, b) => a + b, 0)).toBe(66 - genuine);
  });

  it('stores at most 2000 points of a long ROC or DET curve, the ends and the area intact', () => {
    const rng = new Rng(2);
    const n = 400;
    const dim = 4;
    const data = Float32Array.from({ length: n * dim }, () => rng.normal());
    const identities = Array.from({ length: n }, (_, i) => i % 50);
    const many = Array.from({ length: 6000 }, () => {
      const a = rng.int(n);
      const b = rng.int(n);
      return { a, b, same: (identities[a] === identities[b] ? 1 : 0) as 0 | 1 };
    }).concat(Array.from({ length: 3000 }, (_, i) => ({ a: i % n, b: (i % n) + (i % n < n - 50 ? 50 : -50), same: 1 as const })));
    const r = evaluateVerification({ data, dim }, identities, 0, many);
    const full = rocCurve(r.pairs.map((p) => p.score), r.pairs.map((p) => p.same));
    expect(full.fpr.length).toBeGreaterThan(2000);
    expect(r.roc.fpr).toHaveLength(2000);
    expect(r.det.fpr.length).toBeLessThanOrEqual(2000);
    expect([r.roc.fpr[0], r.roc.tpr[0], r.roc.fpr.at(-1), r.roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    const area = r.roc.fpr.slice(1).reduce((s, x, i) => s + ((x - r.roc.fpr[i]) * (r.roc.tpr[i + 1] + r.roc.tpr[i])) / 2, 0);
    expect(area).toBeCloseTo(r.auc, 4);
  });

  it('refuses pairs it cannot score', () => {
    expect(() => evaluateVerification(embeddings, ref.identities, 1, [{ a: 0, b: 12, same: 1 }])).toThrow('pair (0, 12) points past the 12 evaluated samples');
    expect(() => evaluateVerification(embeddings, ref.identities, 1, pairs.filter((p) => p.same === 1))).toThrow('got 6 genuine of 6');
    expect(() => evaluateVerification({ data: embeddings.data, dim: 5 }, ref.identities, 1, pairs)).toThrow('72 embedding values are not 12 samples of 5 dimensions');
  });
});

describe('evaluateDetection', () => {
  const { truth, predicted, probs, labels, classNames } = detectionCase;
  const result = evaluateDetection(probs, labels, predicted, truth, classNames, 0.9);

  it('measures each box and precision at IoU 0.5 above the cut', () => {
    // IoUs by hand: identical 1; disjoint 0; half the image 0.5; 0.35·0.4 / 0.4·0.4 = 0.875.
    expect(result.items.map((i) => i.iou)).toEqual([1, 0, 0.5, expect.closeTo(0.875, 12)]);
    expect(result.meanIou).toBeCloseTo((1 + 0 + 0.5 + 0.875) / 4, 12);
    // Above 0.9: samples 0 and 1; only 0 overlaps enough. Precision counts all 4 images.
    expect(result.precisionAtIou50).toBe(0.25);
    expect(result.iouHistogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(result.iouHistogram.counts.at(-1)).toBe(1);
  });

  it('goes through evaluatePredictions by task', () => {
    const viaTask = evaluatePredictions({
      task: 'detection',
      predictions: { probs: probs.map((r) => Float32Array.from(r)), labels: Int32Array.from(labels), boxes: predicted, trueBoxes: truth, partSums: {} },
      classNames,
      seed: 0,
    });
    expect(viaTask.kind).toBe('detection');
    expect(() => evaluatePredictions({ task: 'embedding', predictions: { labels: new Int32Array(1), partSums: {} }, classNames: [], seed: 0 })).toThrow('needs embeddings');
  });
});

/** An untrained tiny model's real predictions on the test split of generated data. */
async function predictTest(input: RunSpecInput): Promise<{ spec: ReturnType<typeof parseRunSpec>; predictions: Predictions; classNames: string[] }> {
  const spec = parseRunSpec(input);
  const src = spec.data.source as { generator: 'shapes' | 'faces' | 'boxes'; classes: number; perClass: number };
  const data = await prepareData(syntheticSource({ ...src, imageSize: spec.data.imageSize, seed: 5 }), spec);
  const model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses: data.cache.classNames.length, seed: 9, convention: 'torchvision' });
  try {
    const predictions = await predictSplit({ spec, model, cache: data.cache, indices: data.split.test });
    return { spec, predictions, classNames: data.cache.classNames };
  } finally {
    model.dispose();
    data.cache.dispose?.();
  }
}

const tiny = (task: RunSpecInput['task'], source: Record<string, unknown>, extra: Partial<RunSpecInput> = {}): RunSpecInput =>
  ({
    version: 1,
    data: { source: { kind: 'synthetic', ...source }, imageSize: 12, ...(task.kind === 'detection' ? { labels: 'json' } : {}) },
    model: { architecture: 'mlp', inputSize: 12, embeddingSize: 8, head: { hidden: [16] } },
    task,
    loss: { type: task.kind === 'embedding' ? 'arcface' : task.kind === 'detection' ? 'multiTask' : 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.001 },
    training: { epochs: 1, batchSize: 8, seed: 3 },
    ...extra,
  }) as RunSpecInput;

describe('evaluatePredictions on a real model', () => {
  it('reports a classifier as the training loop’s own metrics see it', async () => {
    const before = tf.memory().numTensors;
    const { spec, predictions, classNames } = await predictTest(tiny({ kind: 'classification' }, { generator: 'shapes', classes: 3, perClass: 14 }));
    expect(tf.memory().numTensors).toBe(before);
    const r = evaluatePredictions({ task: 'classification', predictions, classNames, seed: 3 });
    if (r.kind !== 'classification') throw new Error('expected classification');
    const n = predictions.labels.length;
    expect(r.samples).toBe(n);
    expect(r.topK[0].accuracy).toBe(metricsFromPredictions(spec, predictions, 'test_').test_acc);
    expect(r.cells.flat(2).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    r.cells.forEach((row, t) => row.forEach((members, p) => members.forEach((i) => expect([predictions.labels[i], r.predicted[i]]).toEqual([t, p]))));
    expect(r.mistakes.length).toBe(Math.min(48, r.predicted.filter((p, i) => p !== predictions.labels[i]).length));
  });

  it('reports an embedding model on pairs of the split’s identities, as the training loop does', async () => {
    const { spec, predictions, classNames } = await predictTest(
      tiny({ kind: 'embedding' }, { generator: 'faces', classes: 8, perClass: 6 }, { data: { source: { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 6 }, imageSize: 12, split: { train: 0.5, val: 0.25, test: 0.25 } } } as Partial<RunSpecInput>),
    );
    const r = evaluatePredictions({ task: 'embedding', predictions, classNames, seed: 3 });
    if (r.kind !== 'verification') throw new Error('expected verification');
    const m = metricsFromPredictions(spec, predictions, 'test_');
    expect(r.auc).toBe(m.test_auc);
    expect(r.eer.eer).toBe(m.test_eer);
    expect(r.tenFold.mean).toBe(m.test_verification_acc);
    expect(r.histogram.genuine.reduce((a, b) => a + b, 0) + r.histogram.impostor.reduce((a, b) => a + b, 0)).toBe(r.pairs.length);
  });

  it('scores a handful of pairs with the same folds as the training loop', async () => {
    // Under 20 pairs the two once disagreed (floor(pairs / 2) folds in training, one pair per fold here).
    const { spec } = await predictTest(tiny({ kind: 'embedding' }, { generator: 'faces', classes: 4, perClass: 4 }));
    const rng = new Rng(11);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2]);
    const dim = 4;
    const data = Float32Array.from({ length: labels.length * dim }, () => rng.next() - 0.5);
    const r = evaluateVerification({ data, dim }, labels, 5);
    // All 28 pairs of 8 samples (7 genuine), in the protocol's fixed order: the training loop scores the same ones.
    expect(r.pairs.length).toBe(28);
    const m = metricsFromPredictions(spec, { embeddings: { data, dim }, labels, partSums: {} }, 'val_');
    expect(m.val_verification_acc).toBe(r.tenFold.mean);
  });

  it('reports the tracker’s boxes at the spec’s cut as the training loop does', async () => {
    const { spec, predictions, classNames } = await predictTest(tiny({ kind: 'detection', confidenceThreshold: 0.5 } as RunSpecInput['task'], { generator: 'boxes', classes: 2, perClass: 12 }));
    const r = evaluatePredictions({ task: 'detection', predictions, classNames, seed: 3, confidenceThreshold: 0.5 });
    if (r.kind !== 'detection') throw new Error('expected detection');
    const m = metricsFromPredictions(spec, predictions, 'test_');
    expect(r.meanIou).toBeCloseTo(m.test_iou, 12);
    expect(r.precisionAtIou50).toBe(m.test_precision_iou50);
    expect(r.iouHistogram.counts.reduce((a, b) => a + b, 0)).toBe(predictions.labels.length);
  });
});
