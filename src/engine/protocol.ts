import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';

export type BackendPreference = 'webgpu' | 'webgl' | 'cpu';

/** Messages the page sends to the engine worker. */
export type ToEngine =
  | { type: 'init'; prefer: BackendPreference[] }
  | { type: 'train'; runId: string; spec: RunSpecInput }
  | { type: 'pause'; runId: string }
  | { type: 'resume'; runId: string }
  | { type: 'stop'; runId: string };

/** Messages the engine worker sends back. */
export type FromEngine =
  | { type: 'ready'; backend: string; adapter: string }
  | { type: 'event'; runId: string; event: TrainEvent }
  | { type: 'loadProgress'; runId: string; done: number; total: number }
  | { type: 'paused'; runId: string }
  | { type: 'error'; runId?: string; message: string };
