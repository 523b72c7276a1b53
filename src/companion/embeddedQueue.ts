import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SampleSource } from '../core/data/sampleSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { JobEventLog } from './jobEventLog.ts';
import { DiskFullError, DiskState } from './diskState.ts';
import { readJobState, writeJobState } from './jobStateFile.ts';
import type { JobQueue, JobRecord, JobStatus, JobUpdate, LoggedEvent, QueueDepth } from './jobQueue.ts';
import type { JobWeightsLoader } from './openJobWeights.ts';
import { runJob } from './runJob.ts';
import { runJobInProcess } from './runJobInProcess.ts';
import type { TorchLaunch } from '../node/torchEngine/torchProcess.ts';

/** The step of a run directory's last checkpoint (the tfjs engine's, or the PyTorch engine's torch-last), -1 when it has none (or it cannot be read). */
function lastCheckpointStep(runDir: string): number {
  const read = (path: string, step: (json: { meta?: { step?: unknown }; step?: unknown }) => unknown) => {
    try {
      const value = step(JSON.parse(readFileSync(path, 'utf8')) as { meta?: { step?: unknown }; step?: unknown });
      return typeof value === 'number' ? value : -1;
    } catch {
      return -1;
    }
  };
  return Math.max(read(join(runDir, 'checkpoints', 'last', 'checkpoint.json'), (j) => j.meta?.step), read(join(runDir, 'checkpoints', 'torch-last', 'meta.json'), (j) => j.step));
}

export interface EmbeddedQueueOptions {
  /** Jobs, their run directories, event logs and the queue's own record live here. */
  root: string;
  backend: string;
  /** Train on the PyTorch engine with this launch (--engine torch); left out, the tfjs engine on `backend`. */
  engine?: TorchLaunch;
  /** Opens a job's data (generated, or a dataset uploaded to this companion). */
  openSource: (spec: RunSpec) => SampleSource;
  /** Loads a job's initial weights in this process (openJobWeights); an isolated job opens them under `isolate.uploadsRoot`. */
  openWeights?: JobWeightsLoader;
  /** Shared with the server, which reports it on /health. */
  disk?: DiskState;
  /** Test support: called before each write of the queue's own files (a fault-injecting file layer throws from here). */
  beforeWrite?: (path: string) => void;
  /**
   * Each job trains in a process of its own (runJobInProcess), opening uploads under this
   * folder, so the API never waits on training; left out, jobs run in this process with
   * `openSource` (tests that inject a source do that).
   */
  isolate?: { uploadsRoot: string };
  /** Starts in a row that a companion died under, without the run reaching a new checkpoint, before the job is failed instead of resumed (default 3). */
  maxAttempts?: number;
  /** Where recovery notes go (what was read from a damaged state file); console.warn by default. */
  log?: (line: string) => void;
}

/**
 * The one-machine job queue: jobs run one at a time in submission order, each in its own
 * run directory under `root`, and the queue's state is a JSON file written durably (fsync,
 * rename, previous copy kept; a damaged one is recovered, see jobStateFile.ts). A
 * companion killed mid-job finds the job still `active` at its next start and continues
 * it from the run's last checkpoint, not from scratch. A job id is taken once: submitting
 * it again returns the existing job.
 */
export class EmbeddedQueue implements JobQueue {
  readonly kind = 'embedded';
  private jobs: JobRecord[] = [];
  private running?: { id: string; controller: AbortController };
  private readonly listeners = new Set<(update: JobUpdate) => void>();
  private readonly logs = new Map<string, JobEventLog>();
  private pump: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  readonly disk: DiskState;

  constructor(private readonly o: EmbeddedQueueOptions) {
    this.disk = o.disk ?? new DiskState();
  }

  private get statePath(): string {
    return join(this.o.root, 'jobs.json');
  }

  runDir(jobId: string): string {
    return join(this.o.root, 'runs', jobId);
  }

  private log(jobId: string): JobEventLog {
    let log = this.logs.get(jobId);
    if (!log) this.logs.set(jobId, (log = new JobEventLog(join(this.o.root, 'logs', `${jobId}.jsonl`), this.o.beforeWrite)));
    return log;
  }

  /** Reads the saved queue; jobs a previous process left active go back to the front, to resume. */
  async open(): Promise<void> {
    await mkdir(join(this.o.root, 'runs'), { recursive: true });
    const { jobs, notes } = await readJobState(this.statePath, join(this.o.root, 'runs'));
    this.jobs = jobs;
    for (const note of notes) this.logLine(note);
    // A job the companion keeps dying under without progress is what kills it (out of memory,
    // a crash in a kernel): it fails instead of hanging every start. Dying while the run moves
    // on (a killed process, a power cut) costs nothing: the next attempt resumes from there.
    const most = this.o.maxAttempts ?? 3;
    for (const job of this.jobs.filter((j) => j.status === 'active')) {
      const progressed = lastCheckpointStep(this.runDir(job.id)) > (job.stepAtStart ?? -1);
      job.crashes = progressed ? 0 : (job.crashes ?? 0) + 1;
      if (job.crashes >= most) {
        Object.assign(job, {
          status: 'failed',
          endedAt: Date.now(),
          message: `the companion stopped ${job.crashes} times in a row while training this job, without it reaching a new checkpoint (out of memory, or a crash?); it is not tried again`,
        });
        this.logLine(`job ${job.id} failed: ${job.message}`);
      } else job.status = 'queued';
    }
    this.schedule();
  }

  /**
   * Writes the queue's state; writes are chained, so two changes never race for the
   * temporary file. A failure (a full disk) is reported and thrown; the state in memory
   * stays right and the next save writes it whole.
   */
  private save(): Promise<void> {
    const jobs = this.jobs.map((j) => ({ ...j }));
    const write = this.saving.then(async () => {
      try {
        this.o.beforeWrite?.(this.statePath);
        await writeJobState(this.statePath, jobs);
      } catch (err) {
        if (!this.disk.failed(err, 'the job list (jobs.json)')) throw err;
        throw new DiskFullError(this.disk.get().message ?? 'disk full');
      }
    });
    this.saving = write.catch(() => undefined);
    return write;
  }

  /** save() where nobody waits on the answer: a failure is logged, never thrown into the queue's loop. */
  private async saveOrLog(): Promise<void> {
    await this.save().catch((err: unknown) => this.logLine(`could not save the job list: ${err instanceof Error ? err.message : String(err)}`));
  }

  private logLine(line: string): void {
    (this.o.log ?? console.warn)(`companion: ${line}`);
  }

  subscribe(listener: (update: JobUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<JobRecord[]> {
    return this.jobs.map((j) => ({ ...j }));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.find((j) => j.id === id);
    return job && { ...job };
  }

  async depth(): Promise<QueueDepth> {
    return { queued: this.jobs.filter((j) => j.status === 'queued').length, active: this.running ? 1 : 0, workers: 1 };
  }

  async add(id: string, spec: unknown, extra: Pick<JobRecord, 'sweep'> = {}): Promise<{ job: JobRecord; created: boolean }> {
    const existing = await this.get(id);
    if (existing) return { job: existing, created: false };
    const job: JobRecord = { id, spec, status: 'queued', createdAt: Date.now(), attempts: 0, ...extra };
    this.jobs.push(job);
    try {
      await this.save();
    } catch (err) {
      // Not on disk, so not taken: the client is told (507 for a full disk) and may retry.
      this.jobs = this.jobs.filter((j) => j !== job);
      throw err;
    }
    this.emitStatus(job);
    this.schedule();
    return { job: { ...job }, created: true };
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) return undefined;
    if (job.status === 'queued') await this.finish(job, 'cancelled', 'cancelled before it started');
    else if (job.status === 'active' && this.running?.id === id) this.running.controller.abort('cancelled by the user');
    return { ...job };
  }

  events(id: string, after: number): Promise<LoggedEvent[]> {
    return this.log(id).after(after);
  }

  /** Resolves when every queued job has run (tests and shutdown). */
  async idle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.pump;
      await last;
    } while (last !== this.pump);
    await Promise.all([...this.logs.values()].map((l) => l.flushed()));
  }

  /** Stops taking jobs; the running one is stopped at its next batch and stays resumable. */
  async close(): Promise<void> {
    this.closed = true;
    this.running?.controller.abort('the companion is shutting down');
    await this.idle();
  }

  private emitStatus(job: JobRecord): void {
    for (const l of this.listeners) l({ type: 'status', job: { ...job } });
  }

  private async finish(job: JobRecord, status: JobStatus, message?: string): Promise<void> {
    job.status = status;
    job.endedAt = Date.now();
    if (message !== undefined) job.message = message;
    await this.saveOrLog();
    this.emitStatus(job);
  }

  private schedule(): void {
    this.pump = this.pump.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    for (let job = this.nextJob(); job; job = this.nextJob()) {
      try {
        await this.runOne(job);
      } catch (err) {
        // Nothing a job does may stop the queue (or the process): it fails, the next one runs.
        await this.finish(job, 'failed', err instanceof Error ? err.message : String(err));
      }
    }
  }

  private async runOne(job: JobRecord): Promise<void> {
    job.status = 'active';
    job.attempts += 1;
    job.startedAt ??= Date.now();
    job.worker = `${hostname()}:${process.pid} (${this.o.backend})`;
    job.stepAtStart = lastCheckpointStep(this.runDir(job.id));
    await this.saveOrLog();
    this.emitStatus(job);
    const log = this.log(job.id);
    await log.load();
    const controller = new AbortController();
    this.running = { id: job.id, controller };
    const jobId = job.id;
    // Why the job's own files could not be written (a full disk): the job fails with it, the queue goes on.
    let writeFailure: string | undefined;
    const common = {
      spec: job.spec,
      runDir: this.runDir(job.id),
      backend: this.o.backend,
      ...(this.o.engine ? { engine: this.o.engine } : {}),
      signal: controller.signal,
      onEvent: (event: TrainEvent) =>
        log.append(
          event,
          (seq) => {
            this.disk.wrote();
            for (const l of this.listeners) l({ type: 'event', jobId, seq, event });
          },
          (err) => {
            writeFailure = this.disk.failed(err, `job ${jobId}'s event log`)
              ? (this.disk.get().message ?? 'disk full')
              : `the event log could not be written: ${err instanceof Error ? err.message : String(err)}`;
            controller.abort(writeFailure);
          },
        ),
    };
    const outcome = this.o.isolate
      ? await runJobInProcess({
          ...common,
          uploadsRoot: this.o.isolate.uploadsRoot,
          logPath: log.path,
          // The job's process wrote the event to the log before sending it.
          onEvent: (seq, event) => {
            this.disk.wrote();
            log.adopt(seq, event);
            for (const l of this.listeners) l({ type: 'event', jobId, seq, event });
          },
        })
      : await runJob({ ...common, openSource: this.o.openSource, ...(this.o.openWeights ? { openWeights: this.o.openWeights } : {}) });
    this.running = undefined;
    await log.flushed();
    if (outcome.status === 'failed' && this.disk.failed(outcome.message, `job ${jobId}'s files`)) writeFailure ??= this.disk.get().message;
    if (outcome.summary) job.summary = outcome.summary;
    if (writeFailure !== undefined) return this.finish(job, 'failed', writeFailure);
    // A shutdown stops the run resumably: the job stays active on disk, to be continued at the next start.
    if (this.closed && outcome.status === 'cancelled') return;
    await this.finish(job, outcome.status, outcome.message);
  }

  private nextJob(): JobRecord | undefined {
    return this.closed ? undefined : this.jobs.find((j) => j.status === 'queued');
  }
}
