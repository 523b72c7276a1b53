import type { PairProtocol } from '../train/verificationPairs.ts';
import type { Box } from '../data/sampleSource.ts';
import type {
  ClassificationReport,
  DetCurve,
  EqualErrorRate,
  ExpectedCalibrationError,
  Interval,
  RocCurve,
  ThresholdAtFar,
  VerificationAccuracy,
  YoudenThreshold,
} from '../metrics/index.ts';
import type { ModelCost } from '../models/modelCost.ts';

/**
 * What an evaluation is, as data: every number the Evaluate page, the HTML report and
 * the metrics files show is read from one of these, and one of these is computed only
 * from a model's real predictions on real samples (`evaluatePredictions`). Plain JSON
 * (no typed arrays), so it crosses the worker boundary, is stored, and is written to
 * metrics.json unchanged.
 *
 * Sample positions (`index`, `a`, `b`, cell members) point into `meta.sampleIds`.
 */
export interface EvaluationReport {
  meta: EvaluationMeta;
  result: ClassificationEvaluation | VerificationEvaluation | DetectionEvaluation;
}

/** Where the numbers came from: the run, its checkpoint, the data and the device. */
export interface EvaluationMeta {
  runId: string;
  runName: string;
  architecture: string;
  task: 'classification' | 'embedding' | 'detection';
  datasetId?: string;
  datasetName?: string;
  /** The dataset version hash the evaluated samples belong to. */
  datasetVersion?: string;
  checkpoint: {
    slot: string;
    /** Epochs completed when the checkpoint was saved (where the run ended, for `final`). */
    epoch: number;
    step: number;
    /**
     * Set when early stopping restored the best epoch's weights before this checkpoint was
     * saved: the 1-based epoch whose weights it holds (and the report scores), which is
     * earlier than `epoch`.
     */
    restoredEpoch?: number;
  };
  split: 'train' | 'val' | 'test';
  classNames: string[];
  /** The evaluated samples' ids in prediction order. */
  sampleIds: string[];
  /** The backend and adapter the predictions ran on. */
  backend: string;
  adapter?: string;
  /** Model size and cost; latency measured on this device, one image per call, in ms. */
  cost?: ModelCost & { latencyMs?: number };
  /** When the evaluation ran (ms since epoch). */
  createdAt: number;
}

export interface ClassificationEvaluation {
  kind: 'classification';
  samples: number;
  /** Top-k accuracy for k = 1 … min(5, classes): `correct` of `samples`, with its 95 % Wilson interval. */
  topK: { k: number; accuracy: number; correct: number; interval: Interval }[];
  report: ClassificationReport;
  /** 95 % percentile-bootstrap intervals of macro F1 and of the ECE (samples resampled whole, seeded). */
  macroF1Interval: Interval;
  eceInterval: Interval;
  /** counts[true][predicted]. */
  confusion: number[][];
  /** Sample positions in each confusion cell, [true][predicted]. */
  cells: number[][][];
  /** Per sample: the label, the predicted class and its probability (the confidence). */
  labels: number[];
  predicted: number[];
  confidence: number[];
  /** Wrong predictions, most confident first (at most 48). */
  mistakes: { index: number; label: number; predicted: number; confidence: number }[];
  calibration: ExpectedCalibrationError;
}

export interface VerificationPairScore {
  a: number;
  b: number;
  /** 1 = same identity (genuine), 0 = different (impostor). */
  same: 0 | 1;
  /** Cosine similarity of the two embeddings. */
  score: number;
}

export interface VerificationEvaluation {
  kind: 'verification';
  samples: number;
  identities: number;
  /** 'generated': the split's own pairs by the verification protocol (`protocolPairs`); 'imported': an LFW-style pairs file. */
  pairSource: 'generated' | 'imported';
  /** For generated pairs: all pairs of the identities, or a sample without replacement beyond the cap, with the counts. Reports made before it lack it. */
  pairProtocol?: PairProtocol;
  pairs: VerificationPairScore[];
  roc: RocCurve;
  auc: number;
  /** 95 % percentile-bootstrap intervals of the AUC and EER (genuine and impostor pairs resampled apart, seeded). */
  aucInterval: Interval;
  eerInterval: Interval;
  /** Resamples behind those intervals. */
  bootstrapResamples: number;
  det: DetCurve;
  eer: EqualErrorRate;
  youden: YoudenThreshold;
  /**
   * Thresholds at the false-accept-rate targets 10%, 1%, 0.1% that the impostor count can
   * resolve (a target below one impostor pair is left out); `far` is the rate reached,
   * at most `target`.
   */
  atFar: (ThresholdAtFar & { target: number })[];
  /** LFW protocol: 10 folds, threshold chosen on nine, accuracy on the tenth. */
  tenFold: VerificationAccuracy;
  /** Cosine-similarity histograms over [-1, 1]: edges has bins + 1 entries. */
  histogram: { edges: number[]; genuine: number[]; impostor: number[] };
}

export interface DetectionItem {
  index: number;
  label: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  predictedBox: Box;
  trueBox: Box;
  iou: number;
}

export interface DetectionEvaluation {
  kind: 'detection';
  samples: number;
  /** The class head judged as a classifier. */
  classification: ClassificationEvaluation;
  items: DetectionItem[];
  meanIou: number;
  /** 95 % percentile-bootstrap interval of the mean IoU over images (seeded). */
  meanIouInterval: Interval;
  /** The class-confidence cut the spec trained with (seed 001: 0.9); the page can move it. */
  confidenceThreshold: number;
  /** Share of all images whose box has IoU ≥ 0.5 and whose confidence passes the cut (seed 001: an undrawn box is a miss). */
  precisionAtIou50: number;
  /** IoU histogram over [0, 1]: edges has bins + 1 entries. */
  iouHistogram: { edges: number[]; counts: number[] };
}
