import { create } from 'zustand';
import { validateRunSpec, type RunSpecInput } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { stableHash } from '../core/util/stableHash.ts';
import { runLockName, type FromEngine } from '../engine/protocol.ts';
import type { DatasetRecord, RunRecord, RunStatus } from '../storage/storageRecords.ts';
import { encodeCheckpoint } from '../core/train/checkpoint.ts';
import { packCheckpoint } from '../core/train/checkpointBundle.ts';
import { packRunBundle, RUN_BUNDLE_EXTENSION, RunBundleError, unpackRunBundle } from '../storage/runBundle.ts';
import { RunBundleRepo, type RunBundleImport } from '../storage/runBundleRepo.ts';
import { fileStem, runExportFile, type RunExportFormat } from './runExportFile.ts';
import { downloadBlob } from './downloadBlob.ts';
import { RunSeries } from './runSeries.ts';
import { useSessionStore } from './sessionStore.ts';
import { studioStorage } from './studioStorageHandle.ts';

/** Statuses in which an engine is working on the run. */
export const inProgressStatuses: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'loading', 'running', 'paused']);

export interface RunsState {
  /** Newest first. */
  runs: RunRecord[];
  loaded: boolean;
  /** The run the Train page shows; kept across reloads. */
  focusRunId?: string;
  /** The run this page's engine is working on, if any. */
  activeRunId?: string;
  /** Per run, the version of its series: views re-read `runSeries(id)` when it changes. */
  seriesVersion: Record<string, number>;
  loadProgress?: { runId: string; done: number; total: number };
  /** Wires the engine, marks runs a closed page left behind as interrupted, then loads. Idempotent. */
  start(): Promise<void>;
  refresh(): Promise<void>;
  focus(runId: string | undefined): void;
  /** The run's curves: live ones as they stand, stored ones read from its events. */
  loadSeries(runId: string): Promise<RunSeries>;
  /** Validates, pins the dataset version, stores a queued RunRecord and asks the engine to train it. */
  startRun(spec: RunSpecInput, datasetId?: string): Promise<RunRecord>;
  pause(runId: string): void;
  resume(runId: string): void;
  stop(runId: string): void;
  /** Continues an interrupted or stopped run from its last checkpoint. */
  resumeRun(runId: string): Promise<void>;
  rename(runId: string, name: string): Promise<void>;
  setTags(runId: string, tags: string[]): Promise<void>;
  /** Deletes after `confirm` agrees to a question naming what goes; resolves whether it deleted. */
  deleteRun(runId: string, confirm: (question: string) => boolean | Promise<boolean>): Promise<boolean>;
  exportRun(runId: string, format: RunExportFormat): Promise<void>;
  /** Downloads the run as one `.studio-run` file: spec, events, checkpoints, and its dataset (a copy) or only its name. */
  exportRunBundle(runId: string, includeDataset: boolean): Promise<void>;
  /**
   * Imports a `.studio-run` file: checks all of it (its checkpoints against the model its
   * spec builds, in the engine) before storing it in one transaction, then lists it.
   */
  importRunBundle(file: Blob): Promise<RunBundleImport>;
  /** Shows runs a companion trains (already stored); the first one gets the focus. */
  addRemoteRuns(records: RunRecord[]): void;
  /** A remote run's progress, in the engine's message shapes, so it charts like a local run. */
  remoteMessage(message: FromEngine): void;
}

const FOCUS_KEY = 'studio.focusRun';
const ENDED: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'earlyStopped', 'stopped', 'nonFiniteLoss', 'failed', 'interrupted']);

/** Mutable per-run buffers, outside the store so that appending never copies them. */
const seriesByRun = new Map<string, RunSeries>();
const pendingFlush = new Set<string>();
let flushScheduled = false;
let lastFlush = 0;
const FLUSH_MS = 500;
let started: Promise<void> | undefined;

/** The run's series if it is live or was loaded; `seriesVersion[runId]` says when it changed. */
export function runSeries(runId: string): RunSeries | undefined {
  return seriesByRun.get(runId);
}

function readFocus(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(FOCUS_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function writeFocus(runId: string | undefined): void {
  try {
    if (runId) globalThis.localStorage?.setItem(FOCUS_KEY, runId);
    else globalThis.localStorage?.removeItem(FOCUS_KEY);
  } catch {
    // Without localStorage the Train page falls back to the newest run after a reload.
  }
}

/** Names of the Web Locks held right now (engines hold one per run they train). */
async function heldLocks(): Promise<Set<string>> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return new Set(held.flatMap((l) => (l.name ? [l.name] : [])));
}

const notify = (message: string, kind?: 'info' | 'error') => useSessionStore.getState().notify(message, kind);
const engine = () => useSessionStore.getState().engine();

/**
 * A queued RunRecord for a draft: validated (every problem in the message), with the
 * chosen dataset's current version pinned into the spec. Not stored yet.
 */
export async function newRunRecord(input: RunSpecInput, datasetId?: string, id: string = crypto.randomUUID()): Promise<RunRecord> {
  const storage = await studioStorage();
  let spec = input;
  let dataset: DatasetRecord | undefined;
  const source = input.data?.source;
  if (source?.kind === 'indexeddb') {
    const chosen = datasetId ?? source.datasetId;
    if (!chosen) throw new Error('no dataset chosen: pick one to train on (data.source.datasetId is empty); nothing was started');
    dataset = await storage.datasets.get(chosen);
    if (!dataset) throw new Error(`dataset ${chosen} no longer exists; pick another one (nothing was started)`);
    spec = { ...input, data: { ...input.data, source: { kind: 'indexeddb', datasetId: chosen, version: dataset.version } } };
  }
  const result = validateRunSpec(spec);
  if (!result.ok) {
    const lines = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new Error(`the run spec has ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (${lines}); nothing was started`);
  }
  return {
    id,
    name: `${result.spec.name}-${id.slice(0, 6)}`,
    tags: [],
    spec: result.spec,
    specHash: stableHash(result.spec),
    ...(dataset ? { datasetId: dataset.id, datasetName: dataset.name, datasetVersion: dataset.version } : {}),
    architecture: result.spec.model.architecture,
    status: 'queued',
    createdAt: Date.now(),
    activeSec: 0,
    epochsDone: 0,
    step: 0,
  };
}

export const useRunsStore = create<RunsState>()((set, get) => {
  const patchRun = (runId: string, patch: Partial<RunRecord>) =>
    set((s) => ({ runs: s.runs.map((r) => (r.id === runId ? { ...r, ...patch } : r)) }));
  const runName = (runId: string) => get().runs.find((r) => r.id === runId)?.name ?? runId;

  /** Re-reads a record the worker wrote, keeping the status the latest engine message gave. */
  const reload = async (runId: string) => {
    const fresh = await (await studioStorage()).runs.get(runId);
    if (!fresh) return;
    // The worker stores progress in batches, so the events this page saw may be ahead of the record.
    const merge = (r: RunRecord): RunRecord => ({
      ...r,
      ...fresh,
      status: r.status,
      message: r.message ?? fresh.message,
      backend: fresh.backend ?? r.backend,
      totalSteps: fresh.totalSteps ?? r.totalSteps,
      ...(r.epochsDone > fresh.epochsDone ? { epochsDone: r.epochsDone, step: r.step, lastMetrics: r.lastMetrics } : {}),
    });
    set((s) => ({ runs: s.runs.map((r) => (r.id === runId ? merge(r) : r)) }));
  };

  // Charts redraw at most every FLUSH_MS however fast steps arrive: a redraw costs the
  // same for one new point as for fifty, and the page must stay responsive while a fast
  // GPU emits hundreds of steps a second.
  const flush = () => {
    flushScheduled = false;
    lastFlush = Date.now();
    const versions: Record<string, number> = {};
    for (const id of pendingFlush) versions[id] = seriesByRun.get(id)?.version ?? 0;
    pendingFlush.clear();
    set((s) => ({ seriesVersion: { ...s.seriesVersion, ...versions } }));
  };
  const scheduleFlush = (runId: string) => {
    pendingFlush.add(runId);
    if (flushScheduled) return;
    flushScheduled = true;
    setTimeout(flush, Math.max(0, lastFlush + FLUSH_MS - Date.now()));
  };

  const onEvent = (runId: string, event: TrainEvent) => {
    let series = seriesByRun.get(runId);
    if (!series) seriesByRun.set(runId, (series = new RunSeries()));
    series.add(event);
    scheduleFlush(runId);
    if (event.type === 'epoch') patchRun(runId, { epochsDone: event.epoch + 1, step: event.step, lastMetrics: event.metrics });
  };

  const onStatus = (runId: string, status: RunStatus, message?: string) => {
    const ended = ENDED.has(status);
    set((s) => ({
      runs: s.runs.map((r) => (r.id === runId ? { ...r, status, ...(message !== undefined ? { message } : {}) } : r)),
      ...(ended && s.activeRunId === runId ? { activeRunId: undefined, loadProgress: undefined } : {}),
    }));
    if (ended) {
      const what = `Run ${runName(runId)}`;
      if (status === 'completed' || status === 'earlyStopped') notify(`${what} ${status === 'completed' ? 'completed' : 'stopped early'}.`);
      else if (status !== 'stopped') notify(`${what} ended: ${message ?? status}`, 'error');
      void useSessionStore.getState().refreshStorage();
    }
    void reload(runId);
  };

  const onMessage = (message: FromEngine) => {
    switch (message.type) {
      case 'event':
        onEvent(message.runId, message.event);
        break;
      case 'runStatus':
        onStatus(message.runId, message.status, message.message);
        break;
      case 'loadProgress':
        set({ loadProgress: { runId: message.runId, done: message.done, total: message.total } });
        break;
      case 'badSamples': {
        const first = message.samples[0];
        if (first) notify(`${message.samples.length} samples could not be read and were left out (first: ${first.id}: ${first.reason}).`, 'error');
        break;
      }
      case 'error': {
        const { runId } = message;
        if (runId === undefined) break;
        const run = get().runs.find((r) => r.id === runId);
        // A failed run's status message already said why.
        if (run?.status === 'failed') break;
        if (run?.status === 'queued') {
          // The engine refused or could not start it, so no status message will come: settle it here.
          onStatus(runId, 'failed', message.message);
        } else {
          if (get().activeRunId === runId && run && !inProgressStatuses.has(run.status)) set({ activeRunId: undefined });
          notify(`Run ${runName(runId)}: ${message.message}`, 'error');
        }
        break;
      }
      // Answers to requests: their callers' promises settle them (the session store those about the backend).
      case 'ready':
      case 'computeRefused':
      case 'lrFindResult':
      case 'estimateResult':
      case 'evaluateResult':
      case 'exportResult':
      case 'predictorReady':
      case 'predictResult':
      case 'checkWeightsResult':
      case 'checkCheckpointResult':
        break;
      default: {
        const unknown: never = message;
        notify(`The engine sent a message the page does not know: ${JSON.stringify(unknown)}`, 'error');
      }
    }
  };

  /** A run whose engine lock is still held (another tab, or a reloaded page's worker not yet gone) is checked again once the lock frees. */
  const watchUntilReleased = (runId: string) => {
    void navigator.locks.request(runLockName(runId), async () => {
      const storage = await studioStorage();
      await storage.runs.markInterrupted((id) => id !== runId);
      await get().refresh();
    });
  };

  const sendToRun = (runId: string, type: 'pause' | 'resume' | 'stop') => engine().send({ type, runId });

  return {
    runs: [],
    loaded: false,
    focusRunId: readFocus(),
    seriesVersion: {},

    start() {
      started ??= (async () => {
        engine().subscribe(onMessage);
        const storage = await studioStorage();
        const held = await heldLocks();
        await storage.runs.markInterrupted((id) => held.has(runLockName(id)));
        await get().refresh();
        for (const run of get().runs) if (inProgressStatuses.has(run.status) && held.has(runLockName(run.id))) watchUntilReleased(run.id);
      })().catch((e: unknown) => {
        started = undefined;
        notify(`Could not load the runs: ${e instanceof Error ? e.message : String(e)}`, 'error');
      });
      return started;
    },

    async refresh() {
      const runs = await (await studioStorage()).runs.list();
      set((s) => ({
        runs,
        loaded: true,
        // The newest run at first, and in place of one deleted; once loaded, "no run" (a new draft's) stays a choice.
        focusRunId: s.focusRunId && runs.some((r) => r.id === s.focusRunId) ? s.focusRunId : s.loaded && s.focusRunId === undefined ? undefined : runs[0]?.id,
      }));
    },

    focus(runId) {
      writeFocus(runId);
      set({ focusRunId: runId });
    },

    async loadSeries(runId) {
      const live = seriesByRun.get(runId);
      if (live) return live;
      const events = await (await studioStorage()).runs.events(runId);
      // Live events may have arrived while storage answered; those are newer than the read.
      const series = seriesByRun.get(runId) ?? RunSeries.from(events);
      seriesByRun.set(runId, series);
      set((s) => ({ seriesVersion: { ...s.seriesVersion, [runId]: series.version } }));
      return series;
    },

    async startRun(input, datasetId) {
      const active = get().runs.find((r) => r.id === get().activeRunId);
      if (active && inProgressStatuses.has(active.status)) {
        throw new Error(`run '${active.name}' is still ${active.status}; stop it before starting another (nothing was started)`);
      }
      const storage = await studioStorage();
      const record = await newRunRecord(input, datasetId);
      const { id } = record;
      await storage.runs.create(record);
      seriesByRun.set(id, new RunSeries());
      writeFocus(id);
      set((s) => ({ runs: [record, ...s.runs], focusRunId: id, activeRunId: id, loadProgress: undefined, seriesVersion: { ...s.seriesVersion, [id]: 0 } }));
      engine().send({ type: 'train', runId: id });
      return record;
    },

    addRemoteRuns(records) {
      if (records.length === 0) return;
      for (const r of records) seriesByRun.set(r.id, new RunSeries());
      writeFocus(records[0].id);
      set((s) => ({
        runs: [...records, ...s.runs.filter((r) => !records.some((x) => x.id === r.id))],
        focusRunId: records[0].id,
        seriesVersion: { ...s.seriesVersion, ...Object.fromEntries(records.map((r) => [r.id, 0])) },
      }));
    },

    remoteMessage: (message) => onMessage(message),

    pause: (runId) => sendToRun(runId, 'pause'),
    resume: (runId) => sendToRun(runId, 'resume'),
    stop: (runId) => sendToRun(runId, 'stop'),

    async resumeRun(runId) {
      const active = get().activeRunId;
      if (active && active !== runId) throw new Error(`run '${runName(active)}' is still in progress; stop it before resuming another (nothing was resumed)`);
      // The stored curve first, so the resumed session's trainBegin trims it rather than starting a blank one.
      await get().loadSeries(runId);
      writeFocus(runId);
      set({ activeRunId: runId, focusRunId: runId, loadProgress: undefined });
      engine().send({ type: 'resumeRun', runId });
    },

    async rename(runId, name) {
      const clean = name.trim();
      if (!clean) throw new Error(`a run needs a name; '${runName(runId)}' keeps its name`);
      const updated = await (await studioStorage()).runs.update(runId, { name: clean });
      patchRun(runId, { name: updated.name });
    },

    async setTags(runId, tags) {
      const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
      const updated = await (await studioStorage()).runs.update(runId, { tags: clean });
      patchRun(runId, { tags: updated.tags });
    },

    async deleteRun(runId, confirm) {
      const run = get().runs.find((r) => r.id === runId);
      if (!run) throw new Error(`there is no run ${runId}; nothing was deleted`);
      if (runId === get().activeRunId) throw new Error(`run '${run.name}' is training; stop it before deleting it (nothing was deleted)`);
      const question = `Delete run '${run.name}' (${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}, ${run.status})? Its curves, checkpoints and spec are removed for good.`;
      if (!(await confirm(question))) return false;
      await (await studioStorage()).runs.delete(runId);
      seriesByRun.delete(runId);
      set((s) => {
        const runs = s.runs.filter((r) => r.id !== runId);
        const focusRunId = s.focusRunId === runId ? runs[0]?.id : s.focusRunId;
        writeFocus(focusRunId);
        return { runs, focusRunId };
      });
      notify(`Deleted run '${run.name}'.`);
      void useSessionStore.getState().refreshStorage();
      return true;
    },

    async exportRun(runId, format) {
      const storage = await studioStorage();
      const run = await storage.runs.get(runId);
      if (!run) throw new Error(`there is no run ${runId}; nothing was exported`);
      const events = format === 'spec' ? [] : await storage.runs.events(runId);
      const file = runExportFile(run, events, format);
      downloadBlob(new Blob([file.text], { type: file.type }), file.fileName);
    },

    async exportRunBundle(runId, includeDataset) {
      const storage = await studioStorage();
      const bundle = await new RunBundleRepo(storage.db).read(runId, includeDataset);
      const bytes = packRunBundle(bundle);
      downloadBlob(new Blob([bytes], { type: 'application/zip' }), `${fileStem(bundle.run)}${RUN_BUNDLE_EXTENSION}`);
    },

    async importRunBundle(file) {
      const storage = await studioStorage();
      const bundle = await unpackRunBundle(new Uint8Array(await file.arrayBuffer()));
      for (const { slot, checkpoint } of bundle.checkpoints) {
        const { manifest, data } = encodeCheckpoint(checkpoint);
        try {
          await engine().checkCheckpoint(bundle.run.spec, packCheckpoint(manifest, new Uint8Array(data)));
        } catch (e) {
          throw new RunBundleError(`its '${slot}' checkpoint does not fit the model its spec builds (${e instanceof Error ? e.message : String(e)})`, { cause: e });
        }
      }
      const imported = await new RunBundleRepo(storage.db).store(bundle);
      await get().refresh();
      void useSessionStore.getState().refreshStorage().catch(() => undefined);
      return imported;
    },
  };
});
