/**
 * The studio's training core: the public API every host (browser worker, CLI, companion)
 * uses. Pure TypeScript over tfjs-core and tfjs-layers; the host picks the backend.
 * See docs/architecture.md and docs/run-spec.md.
 */

// The contract: what a run is.
export {
  RUN_SPEC_VERSION,
  RUN_SPEC_VERSIONS,
  architectures,
  modelConvention,
  modelConventions,
  type ModelConvention,
  parseRunSpec,
  runSpecSchema,
  validateRunSpec,
  type Architecture,
  type RunSpec,
  type RunSpecInput,
  type SpecProblem,
  type SpecResult,
  type ScheduleConfig,
  type OptimizerConfig,
  type LossConfig,
  type ModelSpec,
  type DataSpec,
  type TaskSpec,
  type TrainingSpec,
} from './spec/runSpec.ts';

// Data: sources, decoding, splits, augmentation, batches.
export * from './data/index.ts';

// Models, losses, optimizers and schedules.
export * from './models/index.ts';
export * from './losses/index.ts';
export * from './optim/index.ts';

// Training.
export { Trainer, type TrainerOptions, type TrainingData } from './train/trainer.ts';
export { prepareData, splitRule, type PreparedData } from './train/prepareData.ts';
export { epochPlan, type EpochPlan } from './train/epochPlan.ts';
export { EarlyStopping } from './train/earlyStopping.ts';
export type { Callback } from './train/callback.ts';
export { encodeCheckpoint, decodeCheckpoint, type Checkpoint, type CheckpointManifest, type StoredTensor } from './train/checkpoint.ts';
export { evaluateSplit, metricsFromPredictions, predictSplit, type Predictions } from './train/evaluateSplit.ts';
export { verificationPairs, cosineAt, type Pair } from './train/verificationPairs.ts';
export { readWeights, writeWeights } from './train/weightTransfer.ts';
export type * from './train/trainEvent.ts';
export { eventsUpTo } from './train/eventsUpTo.ts';

// Metrics.
export * from './metrics/index.ts';

// Evaluation and export of a trained model.
export { modelFromCheckpoint } from './train/modelFromCheckpoint.ts';
export { evaluateCheckpoint, type EvaluateCheckpointOptions } from './train/evaluateCheckpoint.ts';
export { Predictor, identityCentres, type EnrolledIdentity, type Prediction } from './train/predictor.ts';
export { evaluatePredictions, evaluateClassification, evaluateDetection, evaluateVerification } from './evaluate/evaluatePredictions.ts';
export type * from './evaluate/evaluationReport.ts';
export { bandsAt, detectionAt, verificationAt } from './evaluate/thresholdView.ts';
export { parseLfwPairs, type PairSample } from './evaluate/lfwPairs.ts';
export { exportModel, type ExportFile } from './export/exportModel.ts';
export { exportOnnx } from './export/exportOnnx.ts';
export { exportTfjs } from './export/exportTfjs.ts';
export { preprocessingSpec, type PreprocessingSpec } from './export/preprocessingSpec.ts';

// Utilities hosts need for reproducibility.
export { Rng } from './util/rng.ts';
export { stableHash, canonicalJson } from './util/stableHash.ts';
