import type { DatasetManifest } from '../core/data/datasetManifest.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { SweepSpec } from '../core/spec/expandSweep.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';

/** The companion's view of a job, as its API returns it (see src/companion/jobQueue.ts). */
export interface RemoteJob {
  id: string;
  status: 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';
  message?: string;
  attempts: number;
  worker?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  sweep?: { id: string; index: number; params: Record<string, number | string | boolean> };
  summary?: {
    reason: 'completed' | 'earlyStopped' | 'stopped' | 'nonFiniteLoss' | 'error';
    message: string;
    epochsRun: number;
    steps: number;
    final: Record<string, number>;
    best?: { epoch: number; monitor: string; value: number };
    test: Record<string, number>;
    classNames: string[];
  };
}

export interface CompanionHealth {
  ok: boolean;
  backend: string;
  adapter: string;
  queueKind: 'embedded' | 'redis';
  queue: { queued: number; active: number; workers: number };
}

export type LiveMessage =
  | { type: 'event'; jobId: string; seq: number; event: TrainEvent }
  | { type: 'status'; job: RemoteJob }
  | { type: 'error'; jobId?: string; message: string };

/** A refusal or an unreachable companion, said in words; `problems` lists what a 400 found. */
export class CompanionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly problems: { path: string; message: string }[] = [],
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}

type WebSocketLike = {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
};
export type WebSocketFactory = (url: string) => WebSocketLike;

/**
 * The studio's side of the companion API (docs/companion.md): HTTP for health, uploads,
 * jobs, sweeps and checkpoints; `live()` for the event stream. Every failure is a
 * CompanionError that says what was asked of which companion and what came back.
 */
export class CompanionClient {
  readonly url: string;

  constructor(
    url: string,
    private readonly token: string,
    private readonly openSocket: WebSocketFactory = (u) => new WebSocket(u) as unknown as WebSocketLike,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  private async request(method: string, path: string, body?: BodyInit, type = 'application/json'): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
        ...(body !== undefined ? { body } : {}),
      });
    } catch (err) {
      throw new CompanionError(
        `could not reach the companion at ${this.url} (${err instanceof Error ? err.message : String(err)}); is it running, and was it started with --origin ${globalThis.location?.origin ?? 'this studio'}?`,
      );
    }
    if (res.ok) return res;
    const answer = (await res.json().catch(() => ({}))) as { error?: string; problems?: { path: string; message: string }[]; missing?: string[] };
    const reason = answer.error ?? res.statusText;
    const hint = res.status === 401 ? ' (check the access token the companion printed at start)' : '';
    throw new CompanionError(`the companion refused ${method} ${path}: ${res.status} ${reason}${hint}`, res.status, answer.problems ?? [], answer.missing ?? []);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body === undefined ? undefined : JSON.stringify(body))).json()) as T;
  }

  health(): Promise<CompanionHealth> {
    return this.json('GET', '/health');
  }

  async missingBlobs(hashes: string[]): Promise<string[]> {
    return (await this.json<{ missing: string[] }>('POST', '/blobs/missing', { hashes })).missing;
  }

  async putBlob(hash: string, bytes: ArrayBuffer): Promise<void> {
    await this.request('PUT', `/blobs/${hash}`, bytes, 'application/octet-stream');
  }

  async putDataset(manifest: DatasetManifest): Promise<void> {
    await this.request('PUT', `/datasets/${manifest.version}`, JSON.stringify(manifest));
  }

  async submitJob(id: string, spec: RunSpec): Promise<RemoteJob> {
    return (await this.json<{ job: RemoteJob }>('POST', '/jobs', { id, spec })).job;
  }

  async submitSweep(id: string, spec: unknown, sweep: SweepSpec): Promise<RemoteJob[]> {
    return (await this.json<{ sweep: { jobs: RemoteJob[] } }>('POST', '/sweeps', { id, spec, sweep })).sweep.jobs;
  }

  async job(id: string): Promise<RemoteJob> {
    return (await this.json<{ job: RemoteJob }>('GET', `/jobs/${encodeURIComponent(id)}`)).job;
  }

  async events(id: string, after: number): Promise<{ seq: number; event: TrainEvent }[]> {
    return (await this.json<{ events: { seq: number; event: TrainEvent }[] }>('GET', `/jobs/${encodeURIComponent(id)}/events?after=${after}`)).events;
  }

  async cancel(id: string): Promise<RemoteJob> {
    return (await this.json<{ job: RemoteJob }>('DELETE', `/jobs/${encodeURIComponent(id)}`)).job;
  }

  /** A checkpoint of the job's run, or undefined when it has none in that slot (yet). */
  async checkpoint(id: string, slot: 'last' | 'best' | 'final'): Promise<Checkpoint | undefined> {
    try {
      const res = await this.request('GET', `/jobs/${encodeURIComponent(id)}/checkpoints/${slot}`);
      return unpackCheckpoint(new Uint8Array(await res.arrayBuffer()));
    } catch (err) {
      if (err instanceof CompanionError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** One WebSocket for every job this studio watches; it reconnects by itself and resubscribes from the last seq seen. */
  live(): CompanionLive {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/live?token=${encodeURIComponent(this.token)}`;
    return new CompanionLive(() => this.openSocket(wsUrl));
  }
}

export class CompanionLive {
  private socket?: WebSocketLike;
  private readonly jobs = new Map<string, { after: number; handler: (m: LiveMessage) => void }>();
  private closed = false;
  private retryMs = 500;
  private timer?: ReturnType<typeof setTimeout>;
  /** Told when the connection drops or comes back, for the status line. */
  onConnection?: (connected: boolean) => void;

  constructor(private readonly open: () => WebSocketLike) {
    this.connect();
  }

  subscribe(jobId: string, after: number, handler: (m: LiveMessage) => void): () => void {
    this.jobs.set(jobId, { after, handler });
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify({ type: 'subscribe', jobId, after }));
    return () => this.jobs.delete(jobId);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  private connect(): void {
    const socket = this.open();
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.onConnection?.(true);
      for (const [jobId, { after }] of this.jobs) socket.send(JSON.stringify({ type: 'subscribe', jobId, after }));
    };
    socket.onmessage = ({ data }) => {
      const message = JSON.parse(String(data)) as LiveMessage;
      const jobId = message.type === 'status' ? message.job.id : message.jobId;
      const entry = jobId === undefined ? undefined : this.jobs.get(jobId);
      if (!entry) return;
      if (message.type === 'event') {
        if (message.seq <= entry.after) return;
        entry.after = message.seq;
      }
      entry.handler(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.closed) return;
      this.onConnection?.(false);
      // Back off up to 10 s; every watched job resumes from the last seq it got.
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(10_000, this.retryMs * 2);
    };
  }
}
