import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { TrainingMemory } from '../core/models/trainingMemory.ts';
import type { LrRangeTestOptions, LrRangeTestResult } from '../core/optim/index.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunStatus } from '../storage/storageRecords.ts';

export type BackendPreference = 'webgpu' | 'webgl' | 'cpu';

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
  | { type: 'init'; prefer: BackendPreference[] }
  /** Start a queued run (RunRecord already stored). */
  | { type: 'train'; runId: string }
  /** Continue an interrupted or stopped run from its last checkpoint. */
  | { type: 'resumeRun'; runId: string }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string }
  /** LR range test on the spec's data (or on dataset `datasetId`); `options` defaults to lrRangeTest's. */
  | { type: 'lrFind'; requestId: string; spec: RunSpecInput; datasetId?: string; options?: LrRangeTestOptions }
  | { type: 'estimate'; requestId: string; spec: RunSpecInput };

/** Messages the engine worker sends back. */
export type FromEngine =
  | { type: 'ready'; backend: string; adapter: string; limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } }
  | { type: 'event'; runId: string; event: TrainEvent }
  | { type: 'runStatus'; runId: string; status: RunStatus; message?: string }
  | { type: 'loadProgress'; runId: string; done: number; total: number }
  | { type: 'badSamples'; runId: string; samples: { id: string; reason: string }[] }
  | { type: 'lrFindResult'; requestId: string; result: LrRangeTestResult }
  | { type: 'estimateResult'; requestId: string; estimate: MemoryEstimate }
  | { type: 'error'; runId?: string; requestId?: string; message: string };

/** Name of the Web Lock an engine holds while it trains a run; a run whose lock is free after a reload was interrupted. */
export const runLockName = (runId: string): string => `studio-run:${runId}`;
