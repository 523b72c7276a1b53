import type { SampleSource } from '../core/data/sampleSource.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { Trainer } from '../core/train/trainer.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { trainRun, type RunSummary } from '../node/trainRun.ts';
import { clientPathProblems } from './clientPathProblems.ts';
import type { JobStatus } from './jobQueue.ts';

export interface RunJobOptions {
  spec: unknown;
  runDir: string;
  backend: string;
  openSource: (spec: RunSpec) => SampleSource;
  onEvent: (event: TrainEvent) => void;
  onTrainer: (trainer: Trainer) => void;
}

export interface JobOutcome {
  status: Exclude<JobStatus, 'queued' | 'active'>;
  message: string;
  summary?: RunSummary;
}

/**
 * One attempt at a job, the same for the embedded queue and a Redis worker: a run
 * directory that already holds a checkpoint is continued from it (the job was picked up
 * again after a crash or a stall), otherwise the spec starts fresh there.
 */
export async function runJob(o: RunJobOptions): Promise<JobOutcome> {
  try {
    const resume = new RunDirectory(o.runDir).hasCheckpoint('last');
    // A job queued before this check existed (jobs.json, Redis) is held to it too.
    const paths = resume ? [] : clientPathProblems(parseRunSpec(o.spec));
    if (paths.length > 0) return { status: 'failed', message: paths.map((p) => `${p.path}: ${p.message}`).join('; ') };
    const { end, summary } = await trainRun({
      ...(resume ? { resume: true } : { spec: o.spec }),
      outDir: o.runDir,
      backend: o.backend,
      openSource: o.openSource,
      onEvent: o.onEvent,
      onTrainer: o.onTrainer,
    });
    const status = end.reason === 'stopped' ? 'cancelled' : end.reason === 'error' || end.reason === 'nonFiniteLoss' ? 'failed' : 'completed';
    return { status, message: end.message, summary };
  } catch (err) {
    return { status: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}
