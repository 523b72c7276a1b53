import type { SampleSource } from '../core/data/sampleSource.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { prepareData, type PreparedData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import type { CheckpointKind, EndReason, EpochEvent, TrainEvent } from '../core/train/trainEvent.ts';
import type { RunRepo } from '../storage/runRepo.ts';
import type { RunRecord, RunStatus } from '../storage/storageRecords.ts';
import type { FromEngine } from './protocol.ts';
import { RunEventWriter } from './runEventWriter.ts';
import { errorMessage } from './errorMessage.ts';
import { formatBytes } from '../storage/formatBytes.ts';
import type { DownloadProgress } from '../store/downloadWeights.ts';
import { loadBrowserInitialWeights, type InitialWeightsStores, type LoadedInitialWeights } from './browserInitialWeights.ts';
import { describeWeightLoadReport } from '../core/pretrained/importNamedWeights.ts';

export interface RunSessionOptions {
  runs: RunRepo;
  runId: string;
  /** Opens the data a spec names; throws for sources this host cannot read. */
  openSource: (spec: RunSpec) => SampleSource;
  /** The active tfjs backend and the adapter it runs on, recorded on the run. */
  backend: string;
  adapter: string;
  /** Continue from the run's 'last' checkpoint; without one the run starts over (and says so). */
  resume: boolean;
  post: (message: FromEngine) => void;
  /** Where spec.model.initialWeights' files are kept (a run's checkpoint needs only `runs`). */
  weights?: InitialWeightsStores['weights'];
  faceApiWeights?: InitialWeightsStores['faceApiWeights'];
  /** Hands the Trainer to the host (or a test) once it is built. */
  onTrainer?: (trainer: Trainer) => void;
  /** How long events wait in memory before they are written, in ms. */
  flushEveryMs?: number;
}

const STATUS_OF: Record<EndReason, RunStatus> = {
  completed: 'completed',
  earlyStopped: 'earlyStopped',
  stopped: 'stopped',
  nonFiniteLoss: 'nonFiniteLoss',
  error: 'failed',
};

/** Fields a fresh start clears: they describe an earlier attempt. */
const ATTEMPT_FIELDS = ['message', 'initialWeightsReport', 'startedAt', 'endedAt', 'lastMetrics', 'best', 'test', 'resumeFrom', 'totalSteps', 'classNames'] as const;


/**
 * One training session of a stored run, independent of the host: reads the RunRecord,
 * loads its data, trains (fresh or from the 'last' checkpoint), posts every event to the
 * page at once and stores it in IndexedDB in batches, keeps the record's status and
 * figures current, and ends with the status the run earned. Whatever goes wrong ends as
 * status 'failed' with the reason; what was stored before stays.
 */
export class RunSession {
  private trainer?: Trainer;
  private stopMessage?: string;
  private pauseWanted = false;
  private paused = false;
  private startedAt?: number;
  private baseActiveSec = 0;
  private activeMs = 0;
  private runningSince?: number;
  private readonly writer: RunEventWriter;
  private pausing: Promise<void> = Promise.resolve();
  private markFinished: () => void = () => {};
  private readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));
  private markBuilt: (trainer: Trainer) => void = () => {};
  private readonly built = new Promise<Trainer>((resolve) => (this.markBuilt = resolve));

  constructor(private readonly o: RunSessionOptions) {
    this.writer = new RunEventWriter(o.runs, o.runId, o.flushEveryMs);
  }

  /** Trains the run to its end; resolves with its final status (never rejects). */
  async run(): Promise<RunStatus> {
    const { runs, runId, post } = this.o;
    let data: PreparedData | undefined;
    try {
      const record = await runs.get(runId);
      if (!record) throw new Error(`there is no run with id "${runId}"; it may have been deleted, so nothing was trained`);
      const spec = parseRunSpec(record.spec);
      const resume = await this.startPoint(record);
      if (this.stopMessage) return await this.end('stopped', `${this.stopMessage} before training began`);
      data = await prepareData(this.o.openSource(spec), spec, this.loadProgress());
      if (data.badSamples.length > 0) post({ type: 'badSamples', runId, samples: data.badSamples });
      if (this.stopMessage) return await this.end('stopped', `${this.stopMessage} before training began`);
      const initialWeights = resume ? undefined : await this.initialWeights(spec);
      return await this.train(spec, data, resume, initialWeights);
    } catch (err) {
      return this.fail(err);
    } finally {
      this.markFinished();
      this.writer.dispose();
      this.trainer?.dispose();
      data?.cache.dispose?.();
    }
  }

  /** Progress of the data load, at most every 100 ms (a message per image would flood the page), and always the last. */
  private loadProgress(): (done: number, total: number) => void {
    let last = 0;
    return (done, total) => {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      this.o.post({ type: 'loadProgress', runId: this.o.runId, done, total });
    };
  }

  /** Pauses at the next batch; resolves once the loop waits and the status 'paused' is stored. */
  pause(): Promise<void> {
    if (this.pauseWanted) return this.pausing;
    this.pauseWanted = true;
    // While the data loads the wish is kept, and applied when the Trainer is built.
    this.pausing = Promise.race([this.built, this.finished.then(() => undefined)]).then((trainer) => trainer && this.pauseTrainer(trainer));
    return this.pausing;
  }

  resume(): void {
    if (!this.pauseWanted) return;
    this.pauseWanted = false;
    this.trainer?.resume();
    if (!this.paused) return;
    this.paused = false;
    this.runningSince = Date.now();
    this.setStatusLater('running');
  }

  stop(message = 'stopped by the user'): void {
    this.stopMessage = message;
    this.trainer?.stop(message);
  }

  private async pauseTrainer(trainer: Trainer): Promise<void> {
    if (!this.pauseWanted) return;
    // A run that ends before its next batch never reaches the pause point.
    const reached = await Promise.race([trainer.pause().then(() => true), this.finished.then(() => false)]);
    if (!reached || !this.pauseWanted) return;
    this.paused = true;
    this.stopClock();
    this.setStatusLater('paused');
    // A failed write is the run's to report (at its next checkpoint), not the pauser's.
    await this.writer.settled().catch(() => undefined);
  }

  /** Trims the run to where this session continues from; returns the checkpoint to resume, none for a fresh start. */
  private async startPoint(record: RunRecord): Promise<Checkpoint | undefined> {
    const { runs, runId } = this.o;
    let note: string | undefined;
    if (this.o.resume) {
      // resumeFrom is cleared by a fresh start, so a checkpoint of an earlier attempt is never picked up.
      const last = record.resumeFrom ? await runs.getCheckpoint(runId, 'last') : undefined;
      if (last) {
        await runs.truncateEventsTo(runId, last);
        const lastEpoch = (await runs.events(runId)).reverse().find((e): e is EpochEvent => e.type === 'epoch');
        this.startedAt = record.startedAt;
        this.baseActiveSec = record.activeSec;
        await this.setStatus('loading', `resuming from epoch ${last.epoch} (step ${last.step})`, {
          epochsDone: last.epoch,
          step: last.step,
          lastMetrics: lastEpoch?.metrics,
          best: last.best,
          test: undefined,
          endedAt: undefined,
        });
        return last;
      }
      note = 'no checkpoint was saved yet, so the run starts from the beginning';
    }
    await this.clearEarlierAttempt(record);
    await this.setStatus('loading', note, { activeSec: 0, epochsDone: 0, step: 0 });
    return undefined;
  }

  /**
   * A fresh start must not chart or resume anything of an earlier attempt: a run that ever
   * trained gets its record back without the attempt's fields, and loses its events and
   * checkpoints, in one write.
   */
  private async clearEarlierAttempt(record: RunRecord): Promise<void> {
    const { runs, runId } = this.o;
    const trained = record.startedAt !== undefined || (await runs.events(runId)).length > 0;
    if (!trained) return;
    const reset: RunRecord = { ...record };
    for (const field of ATTEMPT_FIELDS) delete reset[field];
    await runs.reset(reset);
  }

  /** spec.model.initialWeights as the browser resolves them (loadBrowserInitialWeights). */
  private async initialWeights(spec: RunSpec): Promise<LoadedInitialWeights | undefined> {
    const from = spec.model.initialWeights;
    if (!from) return undefined;
    const { runs, weights, faceApiWeights } = this.o;
    let shown = 0;
    // A file the browser no longer keeps is fetched again from its URL: the run says how far, twice a second.
    const onDownload = ({ received, total }: DownloadProgress) => {
      const now = Date.now();
      if (now - shown < 500 && received !== total) return;
      shown = now;
      // Posted, not stored: a store write racing the 'running' that follows could land after it.
      const message = `downloading the initial weights again (not kept in this browser): ${formatBytes(received)}${total !== undefined ? ` of ${formatBytes(total)}` : ''}`;
      this.o.post({ type: 'runStatus', runId: this.o.runId, status: 'loading', message });
    };
    return loadBrowserInitialWeights(from, { runs, ...(weights ? { weights } : {}), ...(faceApiWeights ? { faceApiWeights } : {}), onDownload }, spec.model.architecture);
  }

  private async train(spec: RunSpec, data: PreparedData, resume?: Checkpoint, initialWeights?: LoadedInitialWeights): Promise<RunStatus> {
    const { runs, runId } = this.o;
    const trainer = new Trainer({
      spec,
      data,
      backend: this.o.backend,
      ...(resume ? { resume } : {}),
      ...(initialWeights ? { initialWeights } : {}),
      onEvent: (event) => this.onEvent(event),
      saveCheckpoint: (checkpoint, kind) => this.saveCheckpoint(checkpoint, kind),
    });
    this.trainer = trainer;
    this.markBuilt(trainer);
    // What the pretrained start loaded, kept on the run beside its spec.
    if (trainer.initialWeightsReport) await runs.update(runId, { initialWeightsReport: describeWeightLoadReport(trainer.initialWeightsReport) });
    this.o.onTrainer?.(trainer);
    if (this.stopMessage) trainer.stop(this.stopMessage);
    const end = await trainer.fit();
    this.markFinished();
    this.stopClock();
    await this.writer.settled();
    let message = end.message;
    let test: Record<string, number> | undefined;
    // A failed or diverged model has nothing worth measuring.
    if (end.reason !== 'error' && end.reason !== 'nonFiniteLoss' && data.split.test.length > 0) {
      try {
        test = await trainer.evaluate(data.split.test, 'test_');
      } catch (err) {
        message += `; the test split could not be evaluated (${errorMessage(err)})`;
      }
    }
    return this.end(STATUS_OF[end.reason], message, { epochsDone: end.epochsRun, step: end.step, ...(end.best ? { best: end.best } : {}), ...(test ? { test } : {}) });
  }

  private onEvent(event: TrainEvent): void {
    const { runs, runId, post } = this.o;
    post({ type: 'event', runId, event });
    this.writer.add(event);
    if (event.type === 'trainBegin') {
      this.runningSince = Date.now();
      const patch = { backend: this.o.backend, adapter: this.o.adapter, startedAt: this.startedAt ?? event.time, totalSteps: event.totalSteps, classNames: event.classNames };
      this.setStatusLater('running', patch);
    } else if (event.type === 'epoch') {
      const patch = { epochsDone: event.epoch + 1, step: event.step, lastMetrics: event.metrics, activeSec: this.activeSec() };
      this.writer.then(() => runs.update(runId, patch));
    }
  }

  private async saveCheckpoint(checkpoint: Checkpoint, kind: CheckpointKind): Promise<void> {
    const { runs, runId } = this.o;
    // The checkpoint is only as good as the events before it: they must be stored first.
    await this.writer.settled();
    // 'last' only ever holds an epoch boundary, so a resume continues the curve exactly.
    const last = kind === 'periodic' || kind === 'final';
    if (kind === 'best') await runs.putCheckpoint(runId, 'best', checkpoint);
    if (last) await runs.putCheckpoint(runId, 'last', checkpoint);
    if (kind === 'final' || kind === 'interrupted') await runs.putCheckpoint(runId, 'final', checkpoint);
    if (last || checkpoint.best) {
      await runs.update(runId, {
        ...(last ? { resumeFrom: { epoch: checkpoint.epoch, step: checkpoint.step } } : {}),
        ...(checkpoint.best ? { best: checkpoint.best } : {}),
      });
    }
  }

  private async setStatus(status: RunStatus, message: string | undefined, patch: Partial<Omit<RunRecord, 'id'>> = {}): Promise<void> {
    const { runs, runId, post } = this.o;
    await runs.update(runId, { ...patch, status, message });
    post({ type: 'runStatus', runId, status, ...(message !== undefined ? { message } : {}) });
  }

  /** Status changes during training: posted now, stored in order behind the events. */
  private setStatusLater(status: RunStatus, patch: Partial<Omit<RunRecord, 'id'>> = {}): void {
    const { runs, runId, post } = this.o;
    const full = { ...patch, status, activeSec: this.activeSec() };
    this.writer.then(() => runs.update(runId, full));
    post({ type: 'runStatus', runId, status });
  }

  private async end(status: RunStatus, message: string, patch: Partial<Omit<RunRecord, 'id'>> = {}): Promise<RunStatus> {
    await this.setStatus(status, message, { ...patch, endedAt: Date.now(), activeSec: this.activeSec() });
    if (status === 'failed') this.o.post({ type: 'error', runId: this.o.runId, message });
    return status;
  }

  private async fail(err: unknown): Promise<RunStatus> {
    const { runId, post } = this.o;
    const message = errorMessage(err);
    this.stopClock();
    // Events emitted before the failure still belong to the run; a failed write was reported already.
    await this.writer.settled().catch(() => undefined);
    try {
      return await this.end('failed', message);
    } catch (writeErr) {
      const full = `${message}; the run's record could not be updated either (${errorMessage(writeErr)})`;
      post({ type: 'runStatus', runId, status: 'failed', message: full });
      post({ type: 'error', runId, message: full });
      return 'failed';
    }
  }

  /** Seconds spent training across every session of the run, pauses excluded. */
  private activeSec(): number {
    const running = this.runningSince === undefined ? 0 : Date.now() - this.runningSince;
    return this.baseActiveSec + (this.activeMs + running) / 1000;
  }

  private stopClock(): void {
    if (this.runningSince === undefined) return;
    this.activeMs += Date.now() - this.runningSince;
    this.runningSince = undefined;
  }
}

/** Runs one session of a stored run (see RunSession); resolves with the run's final status. */
export function runSession(options: RunSessionOptions): Promise<RunStatus> {
  return new RunSession(options).run();
}
