import type { Box } from '../data/sampleSource.ts';
import { boxIou, type Interval } from '../metrics/index.ts';
import type { ClassificationEvaluation, DetectionEvaluation, EvaluationReport, VerificationEvaluation } from './evaluationReport.ts';

export interface ChanceVerdict {
  /** false: on this split the model is no better than guessing (or than one fixed answer). */
  learned: boolean;
  /** One plain sentence a newcomer reads first. */
  headline: string;
  /** The measured facts behind it, each a sentence. */
  reasons: string[];
  /** What to try next; empty when the model learned. */
  suggestions: string[];
}

/**
 * Predicted boxes whose corners all vary by less than this (standard deviation, as a
 * share of the image side) "do not move": 2 % is under 3 px at the 112 px the tracker
 * trains at, while the true boxes of its data move by tens of percent.
 */
export const STILL_BOX_SPREAD = 0.02;
/** Pairs whose similarities all lie within this of each other: the embedding collapsed to one point. */
export const COLLAPSED_SCORE_SPREAD = 1e-3;

/** What to try when a model has not learned, in the order a practitioner would. */
export const NOT_LEARNED_SUGGESTIONS: readonly string[] = [
  'Train for more epochs (and with a larger early-stopping patience, if early stopping ended the run).',
  'Run the LR finder on the Train page and train at the learning rate it suggests: too high a rate collapses onto one answer, too low a rate barely moves.',
  'Start from pretrained weights (Model → initial weights, or a recipe with a pretrained start), so the backbone already knows edges and shapes.',
];

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const range = (ci: Interval, f: (v: number) => string = pct): string => `${f(ci.low)}–${f(ci.high)}`;
const num = (v: number): string => v.toFixed(3);

function verdict(reasons: string[], learnedHeadline: string, facts: string[]): ChanceVerdict {
  if (reasons.length === 0) return { learned: true, headline: learnedHeadline, reasons: facts, suggestions: [] };
  return {
    learned: false,
    headline: 'This model has not learned: on this split it does no better than chance.',
    reasons,
    suggestions: [...NOT_LEARNED_SUGGESTIONS],
  };
}

/** Reasons a classifier is at chance; empty when top-1 is measurably above every guessing baseline. */
function classificationReasons(result: ClassificationEvaluation, classNames: string[], subject: string): { reasons: string[]; fact: string } {
  const n = result.samples;
  const classes = classNames.length;
  const top1 = result.topK[0];
  const ci = top1.interval;
  const chance = 1 / classes;
  const reasons: string[] = [];
  const predictedClasses = new Set(result.predicted);
  if (classes > 1 && predictedClasses.size === 1) {
    const only = classNames[result.predicted[0]];
    reasons.push(`${subject} predicted every one of the ${n} images as “${only}”: it gives one answer whatever it sees.`);
  }
  if (ci.low <= chance) {
    reasons.push(
      `${subject}'s top-1 accuracy ${pct(top1.accuracy)} (95 % interval ${range(ci)}, ${n} images) includes chance: guessing among ${classes} classes scores ${pct(chance)}.`,
    );
  } else {
    const support = result.report.perClass.map((c) => c.support);
    const largest = support.indexOf(Math.max(...support));
    const majority = support[largest] / n;
    if (majority > chance && ci.low <= majority) {
      reasons.push(
        `${subject}'s top-1 accuracy ${pct(top1.accuracy)} (95 % interval ${range(ci)}) is no better than always answering “${classNames[largest]}”, the most common class of this split (${pct(majority)}).`,
      );
    }
  }
  return { reasons, fact: `Top-1 accuracy ${pct(top1.accuracy)} (95 % interval ${range(ci)}, ${n} images) is above chance (${pct(chance)} for ${classes} classes).` };
}

function verificationVerdict(result: VerificationEvaluation): ChanceVerdict {
  const reasons: string[] = [];
  const scores = result.pairs.map((p) => p.score);
  const spread = Math.max(...scores) - Math.min(...scores);
  if (spread < COLLAPSED_SCORE_SPREAD) {
    reasons.push(`Every pair has the same similarity (${num(scores[0])}): the embeddings collapsed to one point, so no threshold can tell people apart.`);
  }
  const genuine = result.pairs.filter((p) => p.same === 1).length;
  const impostor = result.pairs.length - genuine;
  if (result.aucInterval.low <= 0.5) {
    reasons.push(
      `ROC AUC ${num(result.auc)} (95 % interval ${range(result.aucInterval, num)}, ${genuine} genuine and ${impostor} impostor pairs) includes 0.5, what a coin toss scores.`,
    );
  }
  return verdict(reasons, 'This model learned: it tells the same person from different people better than chance.', [
    `ROC AUC ${num(result.auc)} (95 % interval ${range(result.aucInterval, num)}) is above 0.5, a coin toss.`,
  ]);
}

function spreadOf(boxes: Box[]): number {
  let worst = 0;
  for (let c = 0; c < 4; c++) {
    const values = boxes.map((b) => b[c]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    worst = Math.max(worst, sd);
  }
  return worst;
}

/** The mean IoU of drawing one box, the average true box, on every image: what a model that ignores the image can reach. */
export function constantBoxIou(trueBoxes: Box[]): number {
  const mean = [0, 1, 2, 3].map((c) => trueBoxes.reduce((s, b) => s + b[c], 0) / trueBoxes.length) as Box;
  return trueBoxes.reduce((s, b) => s + boxIou(mean, b), 0) / trueBoxes.length;
}

function detectionVerdict(result: DetectionEvaluation, classNames: string[]): ChanceVerdict {
  const reasons: string[] = [];
  const predicted = result.items.map((i) => i.predictedBox);
  const truth = result.items.map((i) => i.trueBox);
  const predictedSpread = spreadOf(predicted);
  if (result.items.length > 1 && predictedSpread < STILL_BOX_SPREAD && spreadOf(truth) >= STILL_BOX_SPREAD) {
    reasons.push(
      `The predicted boxes do not move: their corners vary by ${pct(predictedSpread)} of the image across ${result.items.length} images, while the true boxes move around.`,
    );
  }
  const baseline = constantBoxIou(truth);
  if (result.meanIouInterval.low <= baseline) {
    reasons.push(
      `Mean IoU ${num(result.meanIou)} (95 % interval ${range(result.meanIouInterval, num)}) is no better than drawing the average true box on every image (${num(baseline)}).`,
    );
  }
  const head = classificationReasons(result.classification, classNames, 'The class head');
  reasons.push(...head.reasons);
  return verdict(reasons, 'This model learned: its boxes follow the objects and its class head beats chance.', [
    `Mean IoU ${num(result.meanIou)} (95 % interval ${range(result.meanIouInterval, num)}) is above the ${num(baseline)} of one fixed box.`,
    head.fact,
  ]);
}

/**
 * Says plainly whether a model learned anything measurable on the evaluated split, from
 * the report alone: a classifier whose top-1 interval holds chance (1 / classes) or the
 * most common class's share, or that predicts one class for everything; a verifier whose
 * AUC interval holds 0.5 or whose similarities are all equal; a tracker whose boxes do
 * not move or do no better than one fixed box, or whose class head is at chance.
 */
export function chanceVerdict(result: EvaluationReport['result'], classNames: string[]): ChanceVerdict {
  switch (result.kind) {
    case 'classification': {
      const { reasons, fact } = classificationReasons(result, classNames, 'The model');
      return verdict(reasons, 'This model learned: it does measurably better than guessing.', [fact]);
    }
    case 'verification':
      return verificationVerdict(result);
    case 'detection':
      return detectionVerdict(result, classNames);
  }
}
