/**
 * Everything a host shows about a run is one of these events: the browser's charts, the
 * CLI's events.jsonl and the companion's WebSocket stream carry exactly this shape.
 */

export interface MemoryFigures {
  numTensors: number;
  numBytes: number;
  /** Bytes on the GPU where the backend reports them (webgpu, webgl). */
  numBytesInGPU?: number;
}

export interface TrainBeginEvent {
  type: 'trainBegin';
  specHash: string;
  backend: string;
  epochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  startEpoch: number;
  startStep: number;
  trainSamples: number;
  valSamples: number;
  classNames: string[];
  params: number;
  /** Floats per image of the frozen backbone's cached outputs, when the run trains its head on them. */
  cachedFeatures?: number;
  /** Why the features could not be cached (the run then trains through the whole model). */
  cachedFeaturesError?: string;
  /** Epochs the head trains on the frozen blocks before the whole backbone trains (model.unfreezeAfterEpochs), when the run starts before then. */
  unfreezeAfterEpochs?: number;
  time: number;
}

export interface StepEvent {
  type: 'step';
  epoch: number;
  /** Optimizer updates done so far in the run (1 after the first), continuing across resumes. */
  step: number;
  /** Mean training loss over the updates since the previous step event. */
  loss: number;
  /** Other per-step figures (loss parts, training accuracy), means over the same window. */
  metrics: Record<string, number>;
  lr: number;
  samplesPerSec: number;
  etaSec: number;
  memory: MemoryFigures;
  time: number;
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  step: number;
  /** loss, acc, val_loss, val_acc, ... (names in docs/run-spec.md). */
  metrics: Record<string, number>;
  lr: number;
  samplesPerSec: number;
  durationSec: number;
  etaSec: number;
  memory: MemoryFigures;
  time: number;
}

/**
 * periodic / best: at an epoch boundary, resumable. final: where a completed (or early
 * stopped) run ended. interrupted: where a stopped run ended, possibly mid-epoch; good for
 * evaluation, while resuming goes back to the last epoch-boundary checkpoint.
 */
export type CheckpointKind = 'periodic' | 'best' | 'final' | 'interrupted';

export interface CheckpointEvent {
  type: 'checkpoint';
  epoch: number;
  step: number;
  kind: CheckpointKind;
  time: number;
}

export type EndReason = 'completed' | 'earlyStopped' | 'stopped' | 'nonFiniteLoss' | 'error';

export interface TrainEndEvent {
  type: 'trainEnd';
  reason: EndReason;
  message: string;
  epochsRun: number;
  step: number;
  best?: { epoch: number; monitor: string; value: number };
  time: number;
}

export type TrainEvent = TrainBeginEvent | StepEvent | EpochEvent | CheckpointEvent | TrainEndEvent;
