import { create } from 'zustand';
import { expandSweep, type SweepSpec } from '../core/spec/expandSweep.ts';
import type { RunSpec, RunSpecInput } from '../core/spec/runSpec.ts';
import { CompanionClient, CompanionError, type CompanionHealth, type CompanionLive } from '../remote/companionClient.ts';
import { RemoteRunMirror } from '../remote/remoteRunMirror.ts';
import { uploadDataset, type UploadProgress } from '../remote/uploadDataset.ts';
import { uploadWeights } from '../remote/uploadWeights.ts';
import type { RunRecord } from '../storage/storageRecords.ts';
import { inProgressStatuses, newRunRecord, useRunsStore } from './runsStore.ts';
import { useSessionStore } from './sessionStore.ts';
import { studioStorage } from './studioStorageHandle.ts';

export type TrainTarget = 'browser' | 'companion';

export interface CompanionState {
  url: string;
  token: string;
  target: TrainTarget;
  health?: CompanionHealth;
  checking: boolean;
  error?: string;
  /** Whether the live event stream is connected (undefined before the first remote run). */
  live?: boolean;
  upload?: UploadProgress & { dataset: string };
  setConnection(url: string, token: string): void;
  setTarget(target: TrainTarget): void;
  /** Asks the companion for its health (backend, adapter, queue); the panel shows the answer or why it failed. */
  check(): Promise<CompanionHealth | undefined>;
  /** Uploads the dataset (only what the companion lacks), stores the run as remote, submits it and mirrors it here. */
  runOnCompanion(spec: RunSpecInput, datasetId?: string): Promise<RunRecord>;
  /** One remote run per configuration of the sweep, tagged with the sweep, mirrored here. */
  startSweep(spec: RunSpecInput, datasetId: string | undefined, sweep: SweepSpec): Promise<RunRecord[]>;
  cancel(runId: string): Promise<void>;
  /** Picks the mirrors of remote runs still in progress back up (after a reload). */
  resumeMirrors(): Promise<void>;
}

const KEY = 'studio.companion';
const notify = (message: string, kind?: 'info' | 'error') => useSessionStore.getState().notify(message, kind);

function readSaved(): { url: string; token: string; target: TrainTarget } {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as { url?: string; token?: string; target?: TrainTarget } | null;
    if (saved) return { url: saved.url ?? 'http://127.0.0.1:8787', token: saved.token ?? '', target: saved.target ?? 'browser' };
  } catch {
    // A blocked or corrupt localStorage only costs the saved connection.
  }
  return { url: 'http://127.0.0.1:8787', token: '', target: 'browser' };
}

let client: CompanionClient | undefined;
/** The URL and token `client` was made for; a change of either makes a new one. */
let clientKey = '';
let liveStream: CompanionLive | undefined;
const mirrors = new Map<string, RemoteRunMirror>();

export const useCompanionStore = create<CompanionState>()((set, get) => {
  const save = () => {
    const { url, token, target } = get();
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify({ url, token, target }));
    } catch {
      // Without localStorage the connection lasts for this page only.
    }
  };
  const connection = (): { client: CompanionClient; live: CompanionLive } => {
    const { url, token } = get();
    if (!url.trim()) throw new Error('no companion URL: enter the address `npm run companion` printed');
    if (!client || clientKey !== `${url}\n${token}`) {
      const rewire = client !== undefined && mirrors.size > 0;
      clientKey = `${url}\n${token}`;
      // Mirrors follow the old connection's stream: stop them and let resumeMirrors pick their runs up on the new one.
      for (const m of mirrors.values()) m.stop();
      mirrors.clear();
      liveStream?.close();
      client = new CompanionClient(url, token);
      liveStream = client.live();
      liveStream.onConnection = (connected) => set({ live: connected });
      if (rewire) queueMicrotask(() => void get().resumeMirrors());
    }
    return { client, live: liveStream! };
  };
  const mirror = async (runId: string) => {
    if (mirrors.has(runId)) return;
    const { client: c, live } = connection();
    const storage = await studioStorage();
    const m = new RemoteRunMirror({ runs: storage.runs, runId, client: c, live, post: (msg) => useRunsStore.getState().remoteMessage(msg) });
    mirrors.set(runId, m);
    await m.start();
    void m.done.then(() => mirrors.delete(runId));
  };
  const upload = async (c: CompanionClient, datasetId: string | undefined, spec: RunSpec) => {
    const storage = await studioStorage();
    // The weights first: a dataset's upload shows its progress, a weight file is one request.
    await uploadWeights(c, storage.weights, spec);
    if (!datasetId) return;
    const dataset = await storage.datasets.get(datasetId);
    try {
      await uploadDataset(c, storage.datasets, datasetId, (p) => set({ upload: { ...p, dataset: dataset?.name ?? datasetId } }));
    } finally {
      set({ upload: undefined });
    }
  };
  const store = async (records: RunRecord[]) => {
    const storage = await studioStorage();
    for (const r of records) await storage.runs.create(r);
    useRunsStore.getState().addRemoteRuns(records);
  };
  const failed = async (records: RunRecord[], err: unknown) => {
    const storage = await studioStorage();
    const message = `the companion did not take the run: ${err instanceof Error ? err.message : String(err)}`;
    for (const r of records) {
      await storage.runs.update(r.id, { status: 'failed', message, endedAt: Date.now() });
      useRunsStore.getState().remoteMessage({ type: 'runStatus', runId: r.id, status: 'failed', message });
    }
  };

  return {
    ...readSaved(),
    checking: false,
    setConnection(url, token) {
      set({ url: url.trim(), token: token.trim(), health: undefined, error: undefined });
      save();
    },
    setTarget(target) {
      set({ target });
      save();
    },
    async check() {
      set({ checking: true, error: undefined });
      try {
        const health = await connection().client.health();
        set({ health, checking: false });
        return health;
      } catch (err) {
        set({ health: undefined, checking: false, error: err instanceof Error ? err.message : String(err) });
        return undefined;
      }
    },
    async runOnCompanion(spec, datasetId) {
      const { client: c } = connection();
      const base = await newRunRecord(spec, datasetId);
      await upload(c, base.datasetId, base.spec);
      const record: RunRecord = { ...base, remote: { url: c.url, jobId: base.id } };
      await store([record]);
      try {
        await c.submitJob(record.id, record.spec);
      } catch (err) {
        await failed([record], err);
        throw err;
      }
      await mirror(record.id);
      return record;
    },
    async startSweep(spec, datasetId, sweep) {
      const { client: c } = connection();
      const base = await newRunRecord(spec, datasetId);
      const expanded = expandSweep(base.spec, sweep);
      if (!expanded.ok) {
        const lines = expanded.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        throw new Error(`the sweep has ${expanded.problems.length} problem${expanded.problems.length === 1 ? '' : 's'} (${lines}); nothing was started`);
      }
      await upload(c, base.datasetId, base.spec);
      const sweepId = `sweep-${base.id.slice(0, 8)}`;
      const records = await Promise.all(
        expanded.configs.map(async (config) => {
          const id = `${sweepId}-${String(config.index).padStart(3, '0')}`;
          const r = await newRunRecord(config.spec, base.datasetId, id);
          return { ...r, name: config.spec.name, tags: [`sweep:${sweepId}`], remote: { url: c.url, jobId: id, sweepId, params: config.params } };
        }),
      );
      await store(records);
      try {
        await c.submitSweep(sweepId, base.spec, sweep);
      } catch (err) {
        await failed(records, err);
        throw err;
      }
      for (const r of records) await mirror(r.id);
      notify(`Sweep ${sweepId}: ${records.length} runs sent to the companion.`);
      return records;
    },
    async cancel(runId) {
      const run = useRunsStore.getState().runs.find((r) => r.id === runId);
      if (!run?.remote) throw new Error(`run ${runId} is not a companion run`);
      await connection().client.cancel(run.remote.jobId);
    },
    async resumeMirrors() {
      const { url } = get();
      const storage = await studioStorage();
      const pending = (await storage.runs.list()).filter((r) => r.remote && inProgressStatuses.has(r.status));
      const here = pending.filter((r) => r.remote!.url === url.replace(/\/+$/, ''));
      for (const r of here) {
        await mirror(r.id).catch((err: unknown) => {
          const text = err instanceof CompanionError || err instanceof Error ? err.message : String(err);
          notify(`Run ${r.name} on the companion: ${text}`, 'error');
        });
      }
      if (here.length < pending.length) notify(`${pending.length - here.length} remote runs belong to another companion; connect to it to follow them.`, 'info');
    },
  };
});
