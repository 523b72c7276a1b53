import type { TrainEvent } from '../core/train/trainEvent.ts';
import { RunEventWriter } from '../engine/runEventWriter.ts';
import type { FromEngine } from '../engine/protocol.ts';
import type { RunRepo } from '../storage/runRepo.ts';
import type { CheckpointSlot, RunRecord, RunStatus } from '../storage/storageRecords.ts';
import type { CompanionClient, CompanionLive, LiveMessage, RemoteJob } from './companionClient.ts';

export interface RemoteRunMirrorOptions {
  runs: RunRepo;
  runId: string;
  client: CompanionClient;
  live: CompanionLive;
  /** Tells the page, in the engine's own message shapes, so charts and the Runs table treat remote runs like local ones. */
  post: (message: FromEngine) => void;
  flushEveryMs?: number;
}

const SLOTS: CheckpointSlot[] = ['final', 'best', 'last'];

/** The studio status a companion job's state stands for. */
export function runStatusOf(job: RemoteJob, begun: boolean): RunStatus {
  switch (job.status) {
    case 'queued':
      return 'queued';
    case 'active':
      return begun ? 'running' : 'loading';
    case 'cancelled':
      return 'stopped';
    case 'failed':
      return job.summary?.reason === 'nonFiniteLoss' ? 'nonFiniteLoss' : 'failed';
    case 'completed':
      return job.summary?.reason === 'earlyStopped' ? 'earlyStopped' : 'completed';
  }
}

const ENDED = new Set<RemoteJob['status']>(['completed', 'failed', 'cancelled']);

/**
 * Keeps one remote run's copy in this browser current: its events go into IndexedDB (and
 * to the page's charts) as they stream in, the record follows the job's status, and when
 * the job ends its checkpoints are fetched into IndexedDB, so the Runs table and the
 * Evaluate page work on it exactly as on a run trained here. Resumable: the record keeps
 * the last event seq stored, and a reload continues from there.
 */
export class RemoteRunMirror {
  private readonly writer: RunEventWriter;
  private lastSeq = -1;
  private begun = false;
  private finishing?: Promise<void>;
  private unsubscribe?: () => void;
  private remote!: NonNullable<RunRecord['remote']>;
  private markDone: () => void = () => {};
  /** Resolves once the job has ended and everything it produced is stored. */
  readonly done = new Promise<void>((resolve) => (this.markDone = resolve));

  constructor(private readonly o: RemoteRunMirrorOptions) {
    this.writer = new RunEventWriter(o.runs, o.runId, o.flushEveryMs);
  }

  async start(): Promise<void> {
    const record = await this.o.runs.get(this.o.runId);
    if (!record?.remote) throw new Error(`run ${this.o.runId} is not a companion run`);
    this.remote = record.remote;
    this.lastSeq = record.remote.lastSeq ?? -1;
    this.begun = this.lastSeq >= 0;
    this.unsubscribe = this.o.live.subscribe(record.remote.jobId, this.lastSeq, (m) => this.receive(m));
  }

  stop(): void {
    this.unsubscribe?.();
    this.writer.dispose();
  }

  private receive(message: LiveMessage): void {
    if (message.type === 'event') this.onEvent(message.seq, message.event);
    else if (message.type === 'status') this.onStatus(message.job);
    else this.o.post({ type: 'error', runId: this.o.runId, message: `companion: ${message.message}` });
  }

  private onEvent(seq: number, event: TrainEvent): void {
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    const { runs, runId, post } = this.o;
    if (event.type === 'trainBegin') {
      // A job resumed on the companion continues from its checkpoint: drop what this copy holds past it.
      if (this.begun) this.writer.then(() => runs.truncateEventsTo(runId, { epoch: event.startEpoch, step: event.startStep }));
      this.begun = true;
      const patch: Partial<RunRecord> = { status: 'running', backend: event.backend, adapter: `companion ${new URL(this.remote.url).host}`, totalSteps: event.totalSteps, classNames: event.classNames };
      this.writer.add(event);
      this.writer.then(() => runs.update(runId, { ...patch, remote: this.remoteAt(seq) }));
      post({ type: 'event', runId, event });
      post({ type: 'runStatus', runId, status: 'running' });
      return;
    }
    this.writer.add(event);
    post({ type: 'event', runId, event });
    if (event.type === 'epoch') {
      this.writer.then(() => runs.update(runId, { epochsDone: event.epoch + 1, step: event.step, lastMetrics: event.metrics, remote: this.remoteAt(seq) }));
    }
  }

  private remoteAt(seq: number): NonNullable<RunRecord['remote']> {
    this.remote = { ...this.remote, lastSeq: seq };
    return this.remote;
  }

  private onStatus(job: RemoteJob): void {
    const { runs, runId, post } = this.o;
    if (!ENDED.has(job.status)) {
      const status = runStatusOf(job, this.begun);
      this.writer.then(() => runs.update(runId, { status, ...(job.startedAt ? { startedAt: job.startedAt } : {}) }));
      post({ type: 'runStatus', runId, status });
      return;
    }
    this.finishing ??= this.finish(job).catch((err: unknown) => {
      post({ type: 'error', runId, message: `the run ended on the companion, but this browser could not store all of it: ${err instanceof Error ? err.message : String(err)}` });
    });
    void this.finishing.then(() => this.markDone());
  }

  /** Stores the events the stream had not delivered yet, the checkpoints, and the final figures. */
  private async finish(job: RemoteJob): Promise<void> {
    const { runs, runId, client, post } = this.o;
    this.unsubscribe?.();
    // Live events may trail the end status: read the rest of the log before closing the run.
    for (const { seq, event } of await client.events(job.id, this.lastSeq)) this.onEvent(seq, event);
    await this.writer.settled();
    let fetched = 0;
    for (const slot of SLOTS) {
      const ckpt = await client.checkpoint(job.id, slot);
      if (!ckpt) continue;
      await runs.putCheckpoint(runId, slot, ckpt);
      fetched++;
    }
    const status = runStatusOf(job, this.begun);
    const s = job.summary;
    const message = job.message ?? s?.message ?? job.status;
    await runs.update(runId, {
      status,
      message: fetched === 0 && status !== 'failed' ? `${message} (the companion had no checkpoint to fetch)` : message,
      endedAt: job.endedAt ?? Date.now(),
      remote: this.remoteAt(this.lastSeq),
      ...(s ? { epochsDone: s.epochsRun, step: s.steps, test: s.test, classNames: s.classNames, ...(s.best ? { best: s.best } : {}) } : {}),
    });
    this.writer.dispose();
    post({ type: 'runStatus', runId, status, message });
  }
}
