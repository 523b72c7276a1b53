import type { SweepConfig } from '../core/spec/expandSweep.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunSummary } from '../node/trainRun.ts';

export type JobStatus = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  /** The validated spec, as submitted. */
  spec: unknown;
  status: JobStatus;
  message?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** How many times a worker picked the job up (a restart after a crash counts). */
  attempts: number;
  /** The step of the run's last checkpoint when its latest attempt started (-1: none yet). */
  stepAtStart?: number;
  /** Attempts in a row the companion died under without the run reaching a new checkpoint. */
  crashes?: number;
  /** Which worker trains (or trained) it last: host, process id and backend. */
  worker?: string;
  /** Set on the jobs a sweep fanned out. */
  sweep?: { id: string; index: number; params: SweepConfig['params'] };
  /** What the run reached, once it ended (the CLI's summary.json). */
  summary?: RunSummary;
}

/**
 * One entry of a job's event log. The log is append-only and `seq` is the position in it,
 * so a client that saw up to N asks for "after N" and misses nothing. A job resumed after
 * a crash appends its events again from the checkpoint on; its `trainBegin` says where
 * (startEpoch / startStep) and readers drop what they had past that point, exactly as the
 * browser does when it resumes a run.
 */
export interface LoggedEvent {
  seq: number;
  event: TrainEvent;
}

export type JobUpdate = { type: 'event'; jobId: string; seq: number; event: TrainEvent } | { type: 'status'; job: JobRecord };

export interface QueueDepth {
  queued: number;
  active: number;
  /** Worker processes seen alive (Redis mode); the embedded queue is its own single worker. */
  workers: number;
}

/** What the companion's HTTP and WebSocket API needs of a queue: the embedded one or BullMQ on Redis. */
export interface JobQueue {
  readonly kind: 'embedded' | 'redis';
  /** Adds a job, or returns the job already holding that id (a retried submit never runs twice). */
  add(id: string, spec: unknown, extra?: Pick<JobRecord, 'sweep'>): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | undefined>;
  list(): Promise<JobRecord[]>;
  /** Cancels a queued job at once, an active one at its next batch (it keeps its checkpoint). */
  cancel(id: string): Promise<JobRecord | undefined>;
  /** The job's log entries with seq > after. */
  events(id: string, after: number): Promise<LoggedEvent[]>;
  depth(): Promise<QueueDepth>;
  subscribe(listener: (update: JobUpdate) => void): () => void;
  close(): Promise<void>;
}

/** The queue's store (Redis) did not answer in time: the API says 503 instead of leaving the request hanging. */
export class QueueUnavailableError extends Error {}
