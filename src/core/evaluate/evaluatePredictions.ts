import type { Box } from '../data/sampleSource.ts';
import {
  bootstrapInterval,
  classificationReport,
  confusionMatrix,
  detCurve,
  equalErrorRate,
  expectedCalibrationError,
  imageIous,
  meanInterval,
  meanIou,
  precisionAtIou,
  rocAuc,
  roundThreshold,
  rocCurve,
  thresholdAtFar,
  topKAccuracy,
  verificationAccuracy,
  verificationFolds,
  verificationIntervals,
  wilsonInterval,
  youdenThreshold,
  type DetCurve,
  type RocCurve,
} from '../metrics/index.ts';
import type { Predictions } from '../train/evaluateSplit.ts';
import { cosineAt, protocolPairs, type Pair } from '../train/verificationPairs.ts';
import type { ClassificationEvaluation, DetectionEvaluation, EvaluationReport, VerificationEvaluation } from './evaluationReport.ts';
import { histogram } from './histogram.ts';
import { thinCurve } from './thinCurve.ts';

export interface EvaluatePredictionsInput {
  task: 'classification' | 'embedding' | 'detection';
  predictions: Predictions;
  classNames: string[];
  /** Seeds the generated verification pairs. */
  seed: number;
  /** Imported verification pairs (positions into the predictions); replace the generated ones. */
  pairs?: Pair[];
  /** The detection class-confidence cut; default 0.9 (seed 001). */
  confidenceThreshold?: number;
}

const MISTAKES = 48;
const CALIBRATION_BINS = 10;
const SIMILARITY_BINS = 40;
const IOU_BINS = 20;
/** False-accept rates a verification report quotes thresholds at (those the impostor count resolves). */
export const FAR_TARGETS: readonly number[] = [0.1, 0.01, 0.001];
/** A curve is kept whole up to this many points, thinned beyond by its drawn shape (thinCurve.ts): it is stored and drawn. */
const MAX_CURVE_POINTS = 2000;
const DEFAULT_DETECTION_CUT = 0.9;
/** Bootstrap resamples per interval: Monte-Carlo error of a 2.5th percentile well under a point of AUC (bootstrapInterval.test.ts). */
export const BOOTSTRAP_RESAMPLES = 1000;

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
  return best;
}

/** Classification judged from class probabilities: every figure of the Evaluate page's classifier view. */
export function evaluateClassification(probs: Float32Array[] | number[][], labels: ArrayLike<number>, classNames: string[]): ClassificationEvaluation {
  const n = labels.length;
  if (n === 0) throw new Error('there are no predictions to evaluate: the split is empty');
  if (probs.length !== n) throw new Error(`${probs.length} probability rows for ${n} labels`);
  const classes = classNames.length;
  if (probs[0].length !== classes) throw new Error(`the model predicts ${probs[0].length} classes, the data names ${classes}`);
  const labelList = Array.from(labels);
  const bad = labelList.findIndex((l) => !(Number.isInteger(l) && l >= 0 && l < classes));
  if (bad >= 0) throw new Error(`label ${labelList[bad]} of sample ${bad} is not a class index below ${classes}`);
  const predicted = probs.map(argmax);
  const confidence = probs.map((row, i) => row[predicted[i]]);
  const cells: number[][][] = Array.from({ length: classes }, () => Array.from({ length: classes }, () => []));
  labelList.forEach((l, i) => cells[l][predicted[i]].push(i));
  const report = classificationReport(labelList, predicted, classes);
  const calibration = expectedCalibrationError(probs, labelList, CALIBRATION_BINS);
  const resampled = <T>(values: ArrayLike<T>, positions: Int32Array): T[] => Array.from(positions, (p) => values[p]);
  const macroF1Interval = bootstrapInterval(n, (at) => classificationReport(resampled(labelList, at), resampled(predicted, at), classes).macro.f1, { resamples: BOOTSTRAP_RESAMPLES });
  const eceInterval = bootstrapInterval(n, (at) => expectedCalibrationError(resampled<ArrayLike<number>>(probs, at), resampled(labelList, at), CALIBRATION_BINS).ece, { resamples: BOOTSTRAP_RESAMPLES });
  const mistakes = labelList
    .map((label, index) => ({ index, label, predicted: predicted[index], confidence: confidence[index] }))
    .filter((m) => m.label !== m.predicted)
    .sort((a, b) => b.confidence - a.confidence || a.index - b.index)
    .slice(0, MISTAKES);
  return {
    kind: 'classification',
    samples: n,
    topK: Array.from({ length: Math.min(5, classes) }, (_, i) => {
      const accuracy = topKAccuracy(probs, labelList, i + 1);
      const correct = Math.round(accuracy * n);
      return { k: i + 1, accuracy, correct, interval: wilsonInterval(correct, n) };
    }),
    report,
    macroF1Interval,
    eceInterval,
    confusion: confusionMatrix(labelList, predicted, classes),
    cells,
    labels: labelList,
    predicted,
    confidence,
    mistakes,
    calibration,
  };
}

/** Verification of embeddings on genuine / impostor pairs, scored by cosine similarity. */
export function evaluateVerification(
  embeddings: { data: Float32Array; dim: number },
  labels: ArrayLike<number>,
  seed: number,
  imported?: Pair[],
): VerificationEvaluation {
  const n = labels.length;
  if (n === 0) throw new Error('there are no embeddings to evaluate: the split is empty');
  if (embeddings.data.length !== n * embeddings.dim) {
    throw new Error(`${embeddings.data.length} embedding values are not ${n} samples of ${embeddings.dim} dimensions`);
  }
  const generated = imported ? undefined : protocolPairs(labels);
  const chosen = imported ?? generated!.pairs;
  const outOfRange = chosen.find((p) => p.a < 0 || p.b < 0 || p.a >= n || p.b >= n);
  if (outOfRange) throw new Error(`pair (${outOfRange.a}, ${outOfRange.b}) points past the ${n} evaluated samples`);
  const pairs = chosen.map((p) => ({ ...p, score: cosineAt(embeddings.data, embeddings.dim, p.a, p.b) }));
  const scores = pairs.map((p) => p.score);
  const same = pairs.map((p) => p.same);
  const genuine = same.filter((s) => s === 1).length;
  if (genuine === 0 || genuine === pairs.length) {
    throw new Error(`verification needs both genuine and impostor pairs; got ${genuine} genuine of ${pairs.length}`);
  }
  const roc: RocCurve = rocCurve(scores, same);
  // Youden and FAR-target thresholds are scores; each is named by the shortest decimal that accepts the
  // same pairs (as the EER's is), so the number on its button, set on the slider, shows its rates.
  const distinct = roc.thresholds.slice(1);
  const named = (t: number): number => {
    const i = distinct.indexOf(t);
    return i < 0 ? t : roundThreshold(t, i + 1 < distinct.length ? distinct[i + 1] : -Infinity);
  };
  const youden = youdenThreshold(scores, same);
  const intervals = verificationIntervals(scores, same, { resamples: BOOTSTRAP_RESAMPLES, seed });
  const det: DetCurve = detCurve(scores, same);
  const edges = Array.from({ length: SIMILARITY_BINS + 1 }, (_, i) => -1 + (2 * i) / SIMILARITY_BINS);
  return {
    kind: 'verification',
    samples: n,
    identities: new Set(Array.from(labels)).size,
    pairSource: imported ? 'imported' : 'generated',
    ...(generated ? { pairProtocol: generated.protocol } : {}),
    pairs,
    roc: thinCurve({ fpr: roc.fpr, tpr: roc.tpr, thresholds: roc.thresholds }, 'fpr', 'tpr', MAX_CURVE_POINTS),
    auc: rocAuc(scores, same),
    aucInterval: intervals.auc,
    eerInterval: intervals.eer,
    bootstrapResamples: BOOTSTRAP_RESAMPLES,
    det: thinCurve({ fpr: det.fpr, fnr: det.fnr, thresholds: det.thresholds }, 'fpr', 'fnr', MAX_CURVE_POINTS, 'log'),
    eer: equalErrorRate(scores, same),
    youden: { ...youden, threshold: named(youden.threshold) },
    // A target below one impostor pair (target × impostors < 1) is met only at FAR 0, which says nothing about it: left out.
    atFar: FAR_TARGETS.filter((far) => far * (pairs.length - genuine) >= 1).map((target) => {
      const at = thresholdAtFar(scores, same, target);
      return { target, ...at, threshold: named(at.threshold) };
    }),
    tenFold: verificationAccuracy(scores, same, verificationFolds(pairs.length)),
    histogram: {
      edges,
      genuine: histogram(pairs.filter((p) => p.same === 1).map((p) => p.score), edges),
      impostor: histogram(pairs.filter((p) => p.same === 0).map((p) => p.score), edges),
    },
  };
}

/** The two-head tracker: boxes by IoU and precision at the confidence cut, the class head as a classifier. */
export function evaluateDetection(
  probs: Float32Array[] | number[][],
  labels: ArrayLike<number>,
  boxes: Box[],
  trueBoxes: Box[],
  classNames: string[],
  confidenceThreshold = DEFAULT_DETECTION_CUT,
): DetectionEvaluation {
  if (boxes.length !== labels.length || trueBoxes.length !== labels.length) {
    throw new Error(`${boxes.length} predicted and ${trueBoxes.length} true boxes for ${labels.length} samples`);
  }
  const classification = evaluateClassification(probs, labels, classNames);
  const ious = imageIous(boxes, trueBoxes);
  const edges = Array.from({ length: IOU_BINS + 1 }, (_, i) => i / IOU_BINS);
  return {
    kind: 'detection',
    samples: labels.length,
    classification,
    items: ious.map((iou, index) => ({
      index,
      label: classification.labels[index],
      predicted: classification.predicted[index],
      confidence: classification.confidence[index],
      predictedBox: boxes[index],
      trueBox: trueBoxes[index],
      iou,
    })),
    meanIou: meanIou(boxes, trueBoxes),
    meanIouInterval: meanInterval(ious, { resamples: BOOTSTRAP_RESAMPLES }),
    confidenceThreshold,
    precisionAtIou50: precisionAtIou(boxes, trueBoxes, 0.5, { confidences: classification.confidence, minConfidence: confidenceThreshold }),
    iouHistogram: { edges, counts: histogram(ious, edges) },
  };
}

/** Fills the report's result from a model's real predictions (see evaluationReport.ts). */
export function evaluatePredictions(input: EvaluatePredictionsInput): EvaluationReport['result'] {
  const { task, predictions: p, classNames } = input;
  switch (task) {
    case 'classification':
      if (!p.probs) throw new Error('a classification evaluation needs class probabilities');
      return evaluateClassification(p.probs, p.labels, classNames);
    case 'embedding':
      if (!p.embeddings) throw new Error('a verification evaluation needs embeddings');
      return evaluateVerification(p.embeddings, p.labels, input.seed, input.pairs);
    case 'detection':
      if (!p.probs || !p.boxes || !p.trueBoxes) throw new Error('a detection evaluation needs class probabilities and predicted and true boxes');
      return evaluateDetection(p.probs, p.labels, p.boxes, p.trueBoxes, classNames, input.confidenceThreshold);
  }
}
