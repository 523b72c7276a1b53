import type { CheckpointEvent, EpochEvent, StepEvent, TrainBeginEvent, TrainEndEvent } from './trainEvent.ts';

/**
 * The Trainer's fixed lifecycle, Keras-style. Every hook may be async; the loop awaits
 * it, so a callback can pause the run (e.g. to write a checkpoint) without racing it.
 * `onBatchEnd` fires for every optimizer update and carries no read-back values; the
 * figures that need a GPU read-back arrive in `onStep` every `logEverySteps` updates.
 */
export interface Callback {
  onTrainBegin?(event: TrainBeginEvent): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchBegin?(epoch: number, step: number): void | Promise<void>;
  onBatchEnd?(epoch: number, step: number): void | Promise<void>;
  onStep?(event: StepEvent): void | Promise<void>;
  onEpochEnd?(event: EpochEvent): void | Promise<void>;
  onCheckpoint?(event: CheckpointEvent): void | Promise<void>;
  onTrainEnd?(event: TrainEndEvent): void | Promise<void>;
}
