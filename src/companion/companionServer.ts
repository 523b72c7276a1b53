import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { expandSweep } from '../core/spec/expandSweep.ts';
import { validateRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import { packCheckpoint } from '../core/train/checkpointBundle.ts';
import type { CheckpointManifest } from '../core/train/checkpoint.ts';
import { admissionProblems, defaultAdmissionLimits, type AdmissionLimits, type DatasetFacts } from './admissionLimits.ts';
import { clientPathProblems } from './clientPathProblems.ts';
import { companionOpenApi } from './companionOpenApi.ts';
import { DiskFullError, type DiskState } from './diskState.ts';
import { QueueUnavailableError, type JobQueue, type JobRecord, type JobUpdate } from './jobQueue.ts';
import { jobSourceProblem } from './openJobSource.ts';
import { jobWeightsProblem } from './openJobWeights.ts';
import { UploadError, type UploadStore } from './uploadStore.ts';

export interface CompanionServerOptions {
  queue: JobQueue;
  uploads: UploadStore;
  /** Where job run directories live (shared with the workers in Redis mode). */
  runDir: (jobId: string) => string;
  token: string;
  /** Studio origins allowed to call from a browser (CORS); others get no CORS headers and a 403 on preflight. */
  allowedOrigins: string[];
  /** Largest JSON request body accepted (specs, sweeps), in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Largest upload (one image, or one dataset manifest), in bytes (413 beyond). */
  maxUploadBytes: number;
  backend: { backend: string; adapter: string };
  /** What the engine cannot train in a spec (the PyTorch engine's refusals), checked before a job is queued; each names its field. */
  engineProblems?: (spec: RunSpec) => Promise<{ path: string; message: string }[]>;
  /** What one job may ask of the machine (default: defaultAdmissionLimits() for this machine). */
  limits?: AdmissionLimits;
  /** Whether writes are failing for lack of room (shared with the queue and uploads); reported on /health. */
  disk?: DiskState;
  /** Uploads taken at once; more get 503 with Retry-After (default 8). */
  maxConcurrentUploads?: number;
  /** Hashes one POST /blobs/missing may ask about (default 100 000). */
  maxMissingHashes?: number;
  /** A request (headers and body) that takes longer is answered 408 and its connection closed (default 120 s): a slow client holds no upload slot for long. */
  requestTimeoutMs?: number;
}

/** Deeper JSON than this is no spec, sweep or manifest (they nest a handful of levels), and would overflow validators' stacks. */
const MAX_JSON_DEPTH = 32;

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SLOTS = new Set(['last', 'best', 'final']);
/** A sweep's job ids are its id plus "-NNN". */
const SWEEP_ID = /^[A-Za-z0-9_-]{1,56}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The value at a dotted path of a plain object (own properties only), or undefined. */
function valueAt(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** JSON with object keys sorted, so two equal specs compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify(body)}\n`);
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `the request body is ${declared} bytes; this companion accepts at most ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the request body is over ${limit} bytes, the most this companion accepts`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** How deeply `text` nests arrays and objects (strings skipped), stopping once past `max`. */
function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  const text = body.toString('utf8');
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new HttpError(400, `the request body nests deeper than ${MAX_JSON_DEPTH} levels; no request of this API does`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

function uploadFailure(err: UploadError): HttpError {
  const status = { incomplete: 409, missing: 404, invalid: 400, tooLarge: 413, diskFull: 507 }[err.kind];
  return new HttpError(status, err.message, err.details);
}

/** A job's id from the client, or a fresh one; 400 when malformed. */
function jobId(value: unknown): string {
  const id = value === undefined ? randomUUID() : value;
  if (typeof id !== 'string' || !JOB_ID.test(id)) throw new HttpError(400, 'id must be 1–64 letters, digits, "-" or "_"');
  return id;
}

/**
 * The companion's API. HTTP for jobs and data, one WebSocket (/live) for events. Every
 * request carries the token (401 otherwise), browsers may call only from the configured
 * studio origins, bodies are bounded (413), a spec is validated before it is queued (400
 * with every problem), and nothing a client sends becomes a path on disk: uploads are
 * named by hashes the server checks, jobs by ids of a fixed alphabet.
 */
export function createCompanionServer(o: CompanionServerOptions): Server {
  // An empty token would let every request in; main.ts generates one instead.
  if (o.token === '') throw new Error('an access token is required: the companion never serves without one');
  const limits = o.limits ?? defaultAdmissionLimits();

  /** What the companion knows of a spec's data before it runs: generated data by its numbers, an upload by its manifest. */
  const datasetFacts = async (spec: RunSpec): Promise<DatasetFacts> => {
    const src = spec.data.source;
    if (src.kind === 'synthetic') return { images: src.classes * src.perClass, classes: src.classes };
    if (src.kind === 'indexeddb' && src.version !== undefined) {
      const manifest = await o.uploads.manifest(src.version);
      return { images: manifest.samples.length, classes: new Set(manifest.samples.map((s) => s.className)).size };
    }
    return { images: 0, classes: 0 };
  };

  /** The validated spec, or an HttpError: not valid, naming a path, data not here, or over the limits. */
  const checkSpec = async (value: unknown): Promise<RunSpec> => {
    const result = validateRunSpec(value);
    if (!result.ok) throw new HttpError(400, 'the spec is not valid', { problems: result.problems });
    const paths = clientPathProblems(result.spec);
    if (paths.length > 0) throw new HttpError(400, 'the spec names files on the companion', { problems: paths });
    const problem = jobSourceProblem(result.spec, o.uploads);
    if (problem) throw new HttpError(result.spec.data.source.kind === 'indexeddb' ? 409 : 400, problem);
    const weights = jobWeightsProblem(result.spec, o.uploads);
    if (weights) throw new HttpError(weights.status, weights.message, { problems: [{ path: 'model.initialWeights', message: weights.message }] });
    const over = admissionProblems(result.spec, await datasetFacts(result.spec), limits);
    if (over.length > 0) throw new HttpError(400, "the spec is over this companion's limits", { problems: over });
    const engine = o.engineProblems ? await o.engineProblems(result.spec) : [];
    if (engine.length > 0) throw new HttpError(400, `this companion's engine (${o.backend.adapter}) cannot train the spec`, { problems: engine });
    return result.spec;
  };

  /**
   * A job id names one spec for good: resubmitting it with the same spec is a retry (the
   * job it already names), with another spec a conflict — also when the record is gone
   * (a lost jobs.json, a flushed Redis) but the run directory still holds the old run,
   * which would otherwise be resumed or served in the new spec's place.
   */
  const refuseOtherSpec = async (id: string, spec: unknown): Promise<void> => {
    const existing = await o.queue.get(id);
    const specPath = join(o.runDir(id), 'spec.json');
    const stored = existing ? existing.spec : existsSync(specPath) ? JSON.parse(await readFile(specPath, 'utf8').catch(() => 'null')) : undefined;
    if (stored !== undefined && canonicalJson(stored) !== canonicalJson(spec)) {
      throw new HttpError(409, `job id "${id}" already names a run of another spec on this companion; submit the new spec under a new id`);
    }
  };

  const sweepJobs = async (sweepId: string): Promise<JobRecord[]> =>
    (await o.queue.list()).filter((j) => j.sweep?.id === sweepId).sort((a, b) => (a.sweep?.index ?? 0) - (b.sweep?.index ?? 0));

  const maxUploads = o.maxConcurrentUploads ?? 8;
  const maxMissing = o.maxMissingHashes ?? 100_000;
  let uploading = 0;

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname.split('/').filter(Boolean);
    const route = `${req.method} /${parts[0] ?? ''}`;
    if (req.method === 'GET' && url.pathname === '/health') {
      const disk = o.disk?.get() ?? { full: false };
      return send(res, 200, { ok: true, ...o.backend, queueKind: o.queue.kind, queue: await o.queue.depth(), disk });
    }
    if (req.method === 'GET' && url.pathname === '/openapi.json') return send(res, 200, companionOpenApi);
    if (route === 'POST /blobs' && parts[1] === 'missing' && parts.length === 2) {
      // 64 hex digits, quotes and a comma a hash: the body needs no more room than the hashes allowed.
      const body = (await readJson(req, Math.min(o.maxUploadBytes, 1024 + 67 * maxMissing))) as { hashes?: unknown } | null;
      return send(res, 200, { missing: await o.uploads.missing(body?.hashes, maxMissing) });
    }
    if (route === 'PUT /blobs' && parts.length === 2) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > o.maxUploadBytes) throw new HttpError(413, `the request body is ${declared} bytes; this companion accepts at most ${o.maxUploadBytes}`);
      if (uploading >= maxUploads) {
        res.setHeader('retry-after', '1');
        throw new HttpError(503, `${uploading} uploads are under way, the most this companion takes at once; retry in a moment`);
      }
      uploading++;
      try {
        const created = await o.uploads.putBlobStream(parts[1], req, o.maxUploadBytes);
        return send(res, created ? 201 : 200, { hash: parts[1], stored: true });
      } finally {
        uploading--;
      }
    }
    if (parts[0] === 'datasets' && parts.length === 2) {
      if (req.method === 'PUT') {
        const { manifest, created } = await o.uploads.putManifest(parts[1], await readJson(req, o.maxUploadBytes));
        return send(res, created ? 201 : 200, { dataset: { version: manifest.version, name: manifest.name, samples: manifest.samples.length } });
      }
      if (req.method === 'GET') {
        const manifest = await o.uploads.manifest(parts[1]);
        return send(res, 200, { dataset: { version: manifest.version, name: manifest.name, samples: manifest.samples.length } });
      }
    }
    if (parts[0] === 'sweeps') {
      if (parts.length === 1 && req.method === 'POST') {
        const body = (await readJson(req, o.maxBodyBytes)) as { id?: unknown; spec?: unknown; sweep?: unknown } | null;
        const id = body?.id === undefined ? randomUUID().slice(0, 18) : body.id;
        if (typeof id !== 'string' || !SWEEP_ID.test(id)) throw new HttpError(400, 'a sweep id must be 1–56 letters, digits, "-" or "_"');
        const expanded = expandSweep(body?.spec, body?.sweep);
        if (!expanded.ok) throw new HttpError(400, 'the sweep is not valid', { problems: expanded.problems });
        // A swept path the spec does not have would be dropped by validation and every run would be the same one.
        const ignored = (body?.sweep as { parameters?: { path: string }[] }).parameters?.flatMap((p, i) =>
          expanded.configs.every((c) => valueAt(c.spec, p.path) !== c.params[p.path])
            ? [{ path: `sweep.parameters.${i}.path`, message: `"${p.path}" is not a field of the spec (or not one this value can set); the runs would not differ by it` }]
            : [],
        );
        if (ignored && ignored.length > 0) throw new HttpError(400, 'the sweep is not valid', { problems: ignored });
        // Every configuration is checked before any is queued; the answer lists every problem, by configuration.
        const refused: { status: number; error: string; problems: unknown[] }[] = [];
        for (const config of expanded.configs) {
          try {
            await checkSpec(config.spec);
          } catch (err) {
            if (!(err instanceof HttpError)) throw err;
            const problems = (err.extra.problems as { path: string; message: string }[] | undefined) ?? [{ path: '(spec)', message: err.message }];
            refused.push({ status: err.status, error: err.message, problems: problems.map((p) => ({ ...p, path: `configs.${config.index}.${p.path}` })) });
          }
        }
        if (refused.length > 0) {
          throw new HttpError(refused.every((r) => r.status === 409) ? 409 : 400, `the sweep is not valid: ${refused[0].error}`, {
            problems: refused.flatMap((r) => r.problems),
          });
        }
        for (const config of expanded.configs) await refuseOtherSpec(`${id}-${String(config.index).padStart(3, '0')}`, config.spec);
        let created = false;
        for (const config of expanded.configs) {
          const result = await o.queue.add(`${id}-${String(config.index).padStart(3, '0')}`, config.spec, {
            sweep: { id, index: config.index, params: config.params },
          });
          created ||= result.created;
        }
        return send(res, created ? 201 : 200, { sweep: { id, jobs: await sweepJobs(id) } });
      }
      if (parts.length === 2 && req.method === 'GET') {
        const jobs = await sweepJobs(parts[1]);
        if (jobs.length === 0) throw new HttpError(404, `there is no sweep "${parts[1]}"`);
        return send(res, 200, { sweep: { id: parts[1], jobs } });
      }
    }
    if (parts[0] !== 'jobs' || parts.length > 4) throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
    if (parts.length === 1 && req.method === 'GET') return send(res, 200, { jobs: await o.queue.list() });
    if (parts.length === 1 && req.method === 'POST') {
      const body = (await readJson(req, o.maxBodyBytes)) as { id?: unknown; spec?: unknown } | null;
      const id = jobId(body?.id);
      const spec = await checkSpec(body?.spec);
      await refuseOtherSpec(id, spec);
      const { job, created } = await o.queue.add(id, spec);
      return send(res, created ? 201 : 200, { job });
    }
    // A route the API does not have is said so before any job is looked up (docs: companionOpenApi.ts).
    const known =
      (parts.length === 2 && (req.method === 'GET' || req.method === 'DELETE')) ||
      (parts.length === 3 && parts[2] === 'events' && req.method === 'GET') ||
      (parts.length === 4 && parts[2] === 'checkpoints' && req.method === 'GET');
    if (!known) throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
    const job = await o.queue.get(parts[1]);
    if (!job) throw new HttpError(404, `there is no job "${parts[1]}"`);
    if (parts.length === 2 && req.method === 'GET') return send(res, 200, { job });
    if (parts.length === 2 && req.method === 'DELETE') return send(res, 200, { job: await o.queue.cancel(job.id) });
    if (parts.length === 3 && parts[2] === 'events' && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? -1);
      return send(res, 200, { job, events: await o.queue.events(job.id, Number.isInteger(after) ? after : -1) });
    }
    if (parts.length === 4 && parts[2] === 'checkpoints' && req.method === 'GET') {
      const slot = parts[3];
      if (!SLOTS.has(slot)) throw new HttpError(404, `a checkpoint slot is last, best or final; got "${slot}"`);
      const dir = join(o.runDir(job.id), 'checkpoints', slot);
      if (!existsSync(join(dir, 'checkpoint.json'))) throw new HttpError(404, `job ${job.id} has no "${slot}" checkpoint yet`);
      // Read both halves back to back; a write replaces the folder whole, so a retry heals a rare torn read.
      const [manifest, data] = await Promise.all([readFile(join(dir, 'checkpoint.json'), 'utf8'), readFile(join(dir, 'checkpoint.bin'))]);
      const bundle = packCheckpoint(JSON.parse(manifest) as CheckpointManifest, data);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bundle.byteLength });
      res.end(bundle);
      return;
    }
  };

  const authorized = (req: IncomingMessage, url: URL) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
    return sameToken(bearer, o.token);
  };

  const requestTimeout = o.requestTimeoutMs ?? 120_000;
  const server = createServer({ requestTimeout, headersTimeout: Math.min(requestTimeout, 30_000), connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeout / 4)) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://companion');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!o.allowedOrigins.includes(origin)) {
        if (req.method === 'OPTIONS') return send(res, 403, { error: `origin ${origin} is not allowed to call this companion` });
      } else {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'origin');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'access-control-allow-methods': 'GET, POST, PUT, DELETE',
            'access-control-allow-headers': 'authorization, content-type',
            'access-control-max-age': '600',
          });
          return res.end();
        }
      }
    }
    if (!authorized(req, url)) return send(res, 401, { error: 'a valid access token is required (Authorization: Bearer <token>)' });
    routes(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      // A body left unread (refused before or while it came in) is not drained: the connection closes after the answer.
      if (!req.complete) res.setHeader('connection', 'close');
      if (err instanceof HttpError) return send(res, err.status, { error: err.message, ...err.extra });
      if (err instanceof DiskFullError) return send(res, 507, { error: `${err.message}; nothing was stored` });
      if (err instanceof QueueUnavailableError) {
        res.setHeader('retry-after', '5');
        return send(res, 503, { error: err.message });
      }
      if (err instanceof UploadError) {
        const http = uploadFailure(err);
        return send(res, http.status, { error: http.message, ...http.extra });
      }
      send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://companion');
    const origin = req.headers.origin;
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/live') return refuse(404, 'Not Found');
    if (origin !== undefined && !o.allowedOrigins.includes(origin)) return refuse(403, 'Forbidden');
    if (!authorized(req, url)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveLive(ws, o.queue));
  });
  server.on('close', () => wss.close());
  return server;
}

/**
 * One studio's live connection. The client subscribes to jobs with the last seq it has
 * ("after"); the server replays the log from there, then forwards new entries in order.
 * Live entries that outrun the replay (or arrive while it is read) are deduplicated by
 * seq, and a gap makes it read the log again, so a subscriber sees every entry once.
 */
function serveLive(ws: WebSocket, queue: JobQueue): void {
  const sent = new Map<string, number>();
  const reading = new Set<string>();
  const readAgain = new Set<string>();
  const write = (message: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const catchUp = (jobId: string): void => {
    if (reading.has(jobId)) {
      readAgain.add(jobId);
      return;
    }
    reading.add(jobId);
    void (async () => {
      do {
        readAgain.delete(jobId);
        for (const { seq, event } of await queue.events(jobId, sent.get(jobId) ?? -1)) {
          if (seq <= (sent.get(jobId) ?? -1)) continue;
          sent.set(jobId, seq);
          write({ type: 'event', jobId, seq, event });
        }
      } while (readAgain.has(jobId));
    })()
      .catch((err: unknown) => write({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) }))
      .finally(() => reading.delete(jobId));
  };
  const unsubscribe = queue.subscribe((update: JobUpdate) => {
    if (update.type === 'status') {
      if (sent.has(update.job.id)) write({ type: 'status', job: update.job });
      return;
    }
    const last = sent.get(update.jobId);
    if (last === undefined) return;
    if (update.seq === last + 1 && !reading.has(update.jobId)) {
      sent.set(update.jobId, update.seq);
      write({ type: 'event', jobId: update.jobId, seq: update.seq, event: update.event });
    } else if (update.seq > last) {
      catchUp(update.jobId);
    }
  });
  ws.on('message', (raw) => {
    void (async () => {
      let message: { type?: unknown; jobId?: unknown; after?: unknown };
      try {
        message = JSON.parse(String(raw)) as typeof message;
      } catch {
        return write({ type: 'error', message: 'messages are JSON: {"type":"subscribe","jobId":"…","after":-1}' });
      }
      if (message.type !== 'subscribe' || typeof message.jobId !== 'string') {
        return write({ type: 'error', message: `unknown message; send {"type":"subscribe","jobId":"…","after":N}` });
      }
      const job = await queue.get(message.jobId);
      if (!job) return write({ type: 'error', jobId: message.jobId, message: `there is no job "${message.jobId}"` });
      const after = typeof message.after === 'number' && Number.isInteger(message.after) ? message.after : -1;
      sent.set(job.id, after);
      write({ type: 'status', job });
      catchUp(job.id);
    })().catch((err: unknown) => write({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  });
  ws.on('close', unsubscribe);
}
