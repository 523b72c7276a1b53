import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { TorchLaunch } from '../node/torchEngine/torchProcess.ts';
import type { JobOutcome } from './runJob.ts';

/** What a job's own process needs to run it: plain data, since it crosses a process boundary. */
export interface JobProcessOptions {
  spec: unknown;
  runDir: string;
  backend: string;
  /** Where the companion's uploads live (the job opens its dataset there). */
  uploadsRoot: string;
  /** The PyTorch engine's launch, when the companion trains on it (--engine torch). */
  engine?: TorchLaunch;
  /** The job's event log: the job's process appends to it itself, before each event is sent and before any checkpoint after it. */
  logPath: string;
}

export type ToJobProcess = { type: 'start'; options: JobProcessOptions } | { type: 'abort'; reason: string };
export type FromJobProcess = { type: 'event'; seq: number; event: TrainEvent } | { type: 'outcome'; outcome: JobOutcome };

const ENTRY = fileURLToPath(new URL('./jobProcessMain.ts', import.meta.url));

/**
 * Runs one attempt at a job in a process of its own, so training never blocks the
 * server's event loop (the API answers while a job trains) and a job that exhausts memory
 * or crashes takes down only its own process: the attempt then fails, saying how the
 * process ended. The process writes each event to the job's log (durably at epoch ends)
 * before it sends it and before it writes any checkpoint after it, so a companion killed
 * at any moment finds its log at or past the run's last checkpoint. Events come back in
 * order, with their seq; aborting `signal` asks the process to stop
 * (at the next image while loading, the next batch while training), and a process that
 * does not within `graceMs` is killed.
 */
export function runJobInProcess(o: JobProcessOptions & { onEvent: (seq: number, event: TrainEvent) => void; signal?: AbortSignal; graceMs?: number }): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let outcome: JobOutcome | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const abort = () => {
      const reason = typeof o.signal?.reason === 'string' ? o.signal.reason : 'cancelled by the user';
      if (child.connected) child.send({ type: 'abort', reason } satisfies ToJobProcess);
      killTimer = setTimeout(() => child.kill('SIGKILL'), o.graceMs ?? 60_000);
    };
    child.on('message', (message: FromJobProcess) => {
      if (message.type === 'event') o.onEvent(message.seq, message.event);
      else outcome = message.outcome;
    });
    child.once('spawn', () => {
      child.send({ type: 'start', options: { spec: o.spec, runDir: o.runDir, backend: o.backend, uploadsRoot: o.uploadsRoot, logPath: o.logPath, ...(o.engine ? { engine: o.engine } : {}) } } satisfies ToJobProcess);
      if (o.signal?.aborted) abort();
      else o.signal?.addEventListener('abort', abort, { once: true });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', abort);
      if (outcome) return resolve(outcome);
      if (o.signal?.aborted) return resolve({ status: 'cancelled', message: typeof o.signal.reason === 'string' ? o.signal.reason : 'cancelled by the user' });
      const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ': out of memory?' : ''})` : `exited with code ${code}`;
      resolve({ status: 'failed', message: `the job's process ${how} before the job ended` });
    });
    child.once('error', (err) => resolve({ status: 'failed', message: `the job's process could not start: ${err.message}` }));
  });
}
