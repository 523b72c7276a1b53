import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleSource } from '../core/data/sampleSource.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { Trainer } from '../core/train/trainer.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { trainRun, type RunSummary } from '../node/trainRun.ts';
import { trainRunTorch } from '../node/torchEngine/trainRunTorch.ts';
import type { TorchLaunch } from '../node/torchEngine/torchProcess.ts';
import { clientPathProblems } from './clientPathProblems.ts';
import { shippedWeightsOnly, type JobWeightsLoader } from './openJobWeights.ts';
import type { JobStatus } from './jobQueue.ts';

export interface RunJobOptions {
  spec: unknown;
  runDir: string;
  backend: string;
  openSource: (spec: RunSpec) => SampleSource;
  /** Loads model.initialWeights (openJobWeights: uploads by hash); left out, only face-api's shipped weights load. */
  openWeights?: JobWeightsLoader;
  onEvent: (event: TrainEvent) => void;
  onTrainer?: (trainer: Trainer) => void;
  /** Train on the PyTorch engine with this launch (the worker's --engine torch); left out, the tfjs engine. */
  engine?: TorchLaunch;
  /** Ends the attempt at any stage: while the data loads (no further image is read), or training (at its next batch). Its reason becomes the message. */
  signal?: AbortSignal;
}

export interface JobOutcome {
  status: Exclude<JobStatus, 'queued' | 'active'>;
  message: string;
  summary?: RunSummary;
}

const reasonOf = (signal: AbortSignal) => (typeof signal.reason === 'string' ? signal.reason : 'cancelled by the user');

/** The source with every read refused once `signal` is aborted, so loading ends at the next image instead of after the last. */
function abortable(source: SampleSource, signal: AbortSignal): SampleSource {
  return {
    get description() {
      return source.description;
    },
    get badSamples() {
      return source.badSamples;
    },
    async list() {
      signal.throwIfAborted();
      const refs = await source.list();
      signal.throwIfAborted();
      return refs;
    },
    read(ref) {
      signal.throwIfAborted();
      return source.read(ref);
    },
  };
}

/**
 * One attempt at a job, the same for the embedded queue and a Redis worker: a run
 * directory that already holds a checkpoint is continued from it (the job was picked up
 * again after a crash or a stall), otherwise the spec starts fresh there.
 */
export async function runJob(o: RunJobOptions): Promise<JobOutcome> {
  const signal = o.signal ?? new AbortController().signal;
  try {
    if (signal.aborted) return { status: 'cancelled', message: reasonOf(signal) };
    const resume = o.engine ? existsSync(join(o.runDir, 'checkpoints', 'torch-last')) : new RunDirectory(o.runDir).hasCheckpoint('last');
    // A job queued before this check existed (jobs.json, Redis) is held to it too.
    const paths = resume ? [] : clientPathProblems(parseRunSpec(o.spec));
    if (paths.length > 0) return { status: 'failed', message: paths.map((p) => `${p.path}: ${p.message}`).join('; ') };
    const common = {
      ...(resume ? { resume: true } : { spec: o.spec }),
      outDir: o.runDir,
      openSource: (spec: RunSpec) => abortable(o.openSource(spec), signal),
      loadWeights: o.openWeights ?? shippedWeightsOnly,
      onEvent: o.onEvent,
    };
    const { end, summary } = o.engine
      ? await trainRunTorch({
          ...common,
          launch: o.engine,
          onTorch: (run) => {
            if (signal.aborted) run.stop();
            else signal.addEventListener('abort', () => run.stop(), { once: true });
          },
        })
      : await trainRun({
          ...common,
          backend: o.backend,
          onTrainer: (trainer) => {
            o.onTrainer?.(trainer);
            if (signal.aborted) trainer.stop(reasonOf(signal));
            else signal.addEventListener('abort', () => trainer.stop(reasonOf(signal)), { once: true });
          },
        });
    const status = end.reason === 'stopped' ? 'cancelled' : end.reason === 'error' || end.reason === 'nonFiniteLoss' ? 'failed' : 'completed';
    return { status, message: end.message, summary };
  } catch (err) {
    if (signal.aborted) return { status: 'cancelled', message: reasonOf(signal) };
    return { status: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}
