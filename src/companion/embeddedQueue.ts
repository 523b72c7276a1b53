import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { Trainer } from '../core/train/trainer.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { trainRun } from '../node/trainRun.ts';

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
}

export interface EmbeddedQueueOptions {
  /** Jobs, their run directories and the queue's own record live here. */
  root: string;
  backend: string;
}

/**
 * The one-machine job queue: jobs run one at a time in submission order, each in its own
 * run directory under `root`, and the queue's state is a JSON file written atomically. A
 * companion killed mid-job finds the job still `active` at its next start and continues
 * it from the run's last checkpoint (trainRun's resume), not from scratch. A job id is
 * taken once: submitting it again returns the existing job.
 */
export class EmbeddedQueue {
  private jobs: JobRecord[] = [];
  private running?: { id: string; trainer?: Trainer };
  private readonly listeners = new Set<(jobId: string, event: TrainEvent | { type: 'status'; status: JobStatus; message?: string }) => void>();
  private pump: Promise<void> = Promise.resolve();

  constructor(private readonly o: EmbeddedQueueOptions) {}

  private get statePath(): string {
    return join(this.o.root, 'jobs.json');
  }

  runDir(jobId: string): string {
    return join(this.o.root, 'runs', jobId);
  }

  /** Reads the saved queue; jobs a previous process left active go back to the front, to resume. */
  async open(): Promise<void> {
    await mkdir(join(this.o.root, 'runs'), { recursive: true });
    if (existsSync(this.statePath)) this.jobs = JSON.parse(await readFile(this.statePath, 'utf8')) as JobRecord[];
    for (const job of this.jobs) if (job.status === 'active') job.status = 'queued';
    this.schedule();
  }

  private async save(): Promise<void> {
    const tmp = `${this.statePath}.tmp`;
    await writeFile(tmp, JSON.stringify(this.jobs, null, 1));
    await rename(tmp, this.statePath);
  }

  on(listener: (jobId: string, event: TrainEvent | { type: 'status'; status: JobStatus; message?: string }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): JobRecord[] {
    return this.jobs.map((j) => ({ ...j }));
  }

  get(id: string): JobRecord | undefined {
    const job = this.jobs.find((j) => j.id === id);
    return job && { ...job };
  }

  depth(): { queued: number; active: number } {
    return { queued: this.jobs.filter((j) => j.status === 'queued').length, active: this.running ? 1 : 0 };
  }

  /** Adds a job, or returns the job already holding that id (a retried submit never runs twice). */
  async add(id: string, spec: unknown): Promise<{ job: JobRecord; created: boolean }> {
    const existing = this.get(id);
    if (existing) return { job: existing, created: false };
    const job: JobRecord = { id, spec, status: 'queued', createdAt: Date.now(), attempts: 0 };
    this.jobs.push(job);
    await this.save();
    this.schedule();
    return { job: { ...job }, created: true };
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) return undefined;
    if (job.status === 'queued') await this.finish(job, 'cancelled', 'cancelled before it started');
    else if (job.status === 'active' && this.running?.id === id) this.running.trainer?.stop('cancelled by the user');
    return { ...job };
  }

  async events(id: string): Promise<TrainEvent[]> {
    const dir = this.runDir(id);
    return existsSync(dir) ? new RunDirectory(dir).readEvents() : [];
  }

  /** Resolves when every queued job has run (tests and shutdown). */
  async idle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.pump;
      await last;
    } while (last !== this.pump);
  }

  private emit(jobId: string, event: TrainEvent | { type: 'status'; status: JobStatus; message?: string }): void {
    for (const l of this.listeners) l(jobId, event);
  }

  private async finish(job: JobRecord, status: JobStatus, message?: string): Promise<void> {
    job.status = status;
    job.endedAt = Date.now();
    if (message !== undefined) job.message = message;
    await this.save();
    this.emit(job.id, { type: 'status', status, ...(message !== undefined ? { message } : {}) });
  }

  private schedule(): void {
    this.pump = this.pump.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    for (let job = this.jobs.find((j) => j.status === 'queued'); job; job = this.jobs.find((j) => j.status === 'queued')) {
      job.status = 'active';
      job.attempts += 1;
      job.startedAt ??= Date.now();
      await this.save();
      this.emit(job.id, { type: 'status', status: 'active' });
      const dir = this.runDir(job.id);
      this.running = { id: job.id };
      try {
        const resume = new RunDirectory(dir).hasCheckpoint('last');
        const { end } = await trainRun({
          ...(resume ? { resume: true } : { spec: job.spec }),
          outDir: dir,
          backend: this.o.backend,
          onEvent: (e) => this.emit(job!.id, e),
          onTrainer: (t) => {
            if (this.running) this.running.trainer = t;
          },
        });
        const cancelled = end.reason === 'stopped';
        await this.finish(job, cancelled ? 'cancelled' : end.reason === 'error' || end.reason === 'nonFiniteLoss' ? 'failed' : 'completed', end.message);
      } catch (err) {
        await this.finish(job, 'failed', err instanceof Error ? err.message : String(err));
      } finally {
        this.running = undefined;
      }
    }
  }
}
