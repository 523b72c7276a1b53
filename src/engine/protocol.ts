import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { TrainingMemory } from '../core/models/trainingMemory.ts';
import type { LrRangeTestOptions, LrRangeTestResult } from '../core/optim/index.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import type { ExportFile } from '../core/export/exportModel.ts';
import type { DecodedImage } from '../core/data/sampleSource.ts';
import type { Prediction } from '../core/train/predictor.ts';
import type { CheckpointSlot, RunStatus } from '../storage/storageRecords.ts';
import type { WeightLoadReport } from '../core/pretrained/importNamedWeights.ts';

export type BackendPreference = 'webgpu' | 'webgl' | 'cpu';
/** What the person asked to train on: `auto` (the fastest backend found) or one backend by name. */
export type ComputeChoice = 'auto' | BackendPreference;

/** Each backend as the studio names it to people. */
export const BACKEND_NAMES: Readonly<Record<BackendPreference, string>> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' };
export const COMPUTE_CHOICES: readonly ComputeChoice[] = ['auto', 'webgpu', 'webgl', 'cpu'];

/** The engine worker's name when the page asks for stock tfjs kernels (`?kernels=stock`) instead of the studio's. */
export const STOCK_KERNELS_WORKER_NAME = 'studio-engine-stock-kernels';

/** Training memory for one spec at its batch size, estimated by building the model in the worker. */
export interface MemoryEstimate extends TrainingMemory {
  /** What the adapter allows in one buffer (maxStorageBufferBindingSize / maxBufferSize), when known. */
  deviceLimitBytes?: number;
}

/**
 * Messages the page sends to the engine worker. The run itself (spec, dataset) is read
 * from IndexedDB by the worker: the page creates the RunRecord first, then says "train".
 */
export type ToEngine =
  /** Starts (or changes) the backend; refused while a run, the LR finder or an evaluation is running. */
  | { type: 'init'; compute: ComputeChoice }
  /** Start a queued run (RunRecord already stored). */
  | { type: 'train'; runId: string }
  /** Continue an interrupted or stopped run from its last checkpoint. */
  | { type: 'resumeRun'; runId: string }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string }
  /** LR range test on the spec's data (or on dataset `datasetId`); `options` defaults to lrRangeTest's. */
  | { type: 'lrFind'; requestId: string; spec: RunSpecInput; datasetId?: string; options?: LrRangeTestOptions }
  | { type: 'estimate'; requestId: string; spec: RunSpecInput }
  /**
   * Evaluates a run's checkpoint (default: final, else best, else last) on a split of its
   * data (default: test). `pairsText`, an LFW-style pairs file, replaces the generated
   * verification pairs of an embedding run.
   */
  | { type: 'evaluate'; requestId: string; runId: string; slot?: CheckpointSlot; split?: EvalSplit; pairsText?: string }
  /** The model of a run's checkpoint as files: tfjs (model.json + weights) or ONNX, each with preprocessing.json. */
  | { type: 'export'; requestId: string; runId: string; slot?: CheckpointSlot; format: ExportFormat }
  /** Keeps a run's model ready for single images (Try it); an embedding run enrolls its test identities. */
  | { type: 'loadPredictor'; requestId: string; runId: string; slot?: CheckpointSlot }
  | { type: 'predict'; requestId: string; image: DecodedImage }
  /** Adds a person to the loaded embedding model's gallery from one image. */
  | { type: 'enroll'; requestId: string; name: string; image: DecodedImage }
  | { type: 'unloadPredictor' }
  /**
   * Loads the spec's model.initialWeights into the model it builds and reports what loaded
   * (nothing is stored); `file`, a safetensors source's bytes not yet kept in IndexedDB.
   */
  | { type: 'checkWeights'; requestId: string; spec: RunSpecInput; file?: Uint8Array }
  /**
   * Builds the spec's model and loads a checkpoint (packCheckpoint's bytes) into it, exactly
   * as Evaluate and Try it will, and lets it go: an imported run file is checked before it
   * is stored. Nothing is stored.
   */
  | { type: 'checkCheckpoint'; requestId: string; spec: RunSpecInput; checkpoint: Uint8Array };

export type EvalSplit = 'train' | 'val' | 'test';
export type ExportFormat = 'tfjs' | 'onnx';

/** What a loaded predictor is for, so the page can label its answers. */
export interface PredictorInfo {
  runId: string;
  slot: CheckpointSlot;
  task: 'classification' | 'embedding' | 'detection';
  classNames: string[];
  inputSize: number;
  channels: 1 | 3;
  /** Enrolled identities (embedding runs). */
  enrolled: string[];
}

/** Messages the engine worker sends back. */
export type FromEngine =
  | {
      type: 'ready';
      backend: string;
      adapter: string;
      limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
      /** Why each backend tried before this one was not used ("WebGPU: a software renderer (google swiftshader), …"). */
      passedOver?: string[];
    }
  | { type: 'event'; runId: string; event: TrainEvent }
  | { type: 'runStatus'; runId: string; status: RunStatus; message?: string }
  | { type: 'loadProgress'; runId: string; done: number; total: number }
  | { type: 'badSamples'; runId: string; samples: { id: string; reason: string }[] }
  | { type: 'lrFindResult'; requestId: string; result: LrRangeTestResult }
  | { type: 'estimateResult'; requestId: string; estimate: MemoryEstimate }
  | { type: 'evaluateResult'; requestId: string; report: EvaluationReport; pairProblems?: string[] }
  | { type: 'exportResult'; requestId: string; files: ExportFile[] }
  | { type: 'predictorReady'; requestId: string; info: PredictorInfo }
  | { type: 'predictResult'; requestId: string; prediction: Prediction }
  /** `lines`: describeWeightLoadReport's; `report` for a PyTorch or face-api file (none for a run's checkpoint). */
  | { type: 'checkWeightsResult'; requestId: string; lines: string[]; report?: WeightLoadReport }
  | { type: 'checkCheckpointResult'; requestId: string }
  /** A backend change asked for while a job holds the engine: nothing changed, `reason` says what holds it. */
  | { type: 'computeRefused'; reason: string }
  | { type: 'error'; runId?: string; requestId?: string; message: string };

/** Name of the Web Lock an engine holds while it trains a run; a run whose lock is free after a reload was interrupted. */
export const runLockName = (runId: string): string => `studio-run:${runId}`;
