import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { validateRunSpec } from '../core/spec/runSpec.ts';
import type { EmbeddedQueue } from './embeddedQueue.ts';

export interface CompanionServerOptions {
  queue: EmbeddedQueue;
  token: string;
  /** Studio origins allowed to call from a browser (CORS); others get no CORS headers and a 403 on preflight. */
  allowedOrigins: string[];
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: number;
  backend: { backend: string; adapter: string };
}

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
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

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `the request body is ${declared} bytes; this companion accepts at most ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the request body is over ${limit} bytes, the most this companion accepts`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

/**
 * The companion's HTTP API: every request carries the token (401 otherwise), browsers may
 * call only from the configured studio origins, bodies are bounded (413), and a spec is
 * validated before it is queued (400 with every problem). Data paths from clients never
 * reach the disk: a job trains generated data or (soon) an uploaded dataset.
 */
export function createCompanionServer(o: CompanionServerOptions): Server {
  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && url.pathname === '/health') {
      return send(res, 200, { ok: true, ...o.backend, queue: o.queue.depth() });
    }
    if (parts[0] !== 'jobs' || parts.length > 3) throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
    if (parts.length === 1 && req.method === 'GET') return send(res, 200, { jobs: o.queue.list() });
    if (parts.length === 1 && req.method === 'POST') {
      const body = (await readJson(req, o.maxBodyBytes)) as { id?: unknown; spec?: unknown } | null;
      const id = body?.id === undefined ? randomUUID() : body.id;
      if (typeof id !== 'string' || !JOB_ID.test(id)) throw new HttpError(400, 'id must be 1–64 letters, digits, "-" or "_"');
      const result = validateRunSpec(body?.spec);
      if (!result.ok) throw new HttpError(400, 'the spec is not valid', { problems: result.problems });
      const source = result.spec.data.source;
      if (source.kind !== 'synthetic') {
        throw new HttpError(400, `data.source "${source.kind}" cannot be trained here: a job names generated data (kind "synthetic"); paths on this machine are not taken from clients`);
      }
      const { job, created } = await o.queue.add(id, result.spec);
      return send(res, created ? 201 : 200, { job });
    }
    const job = o.queue.get(parts[1]);
    if (!job) throw new HttpError(404, `there is no job "${parts[1]}"`);
    if (parts.length === 2 && req.method === 'GET') return send(res, 200, { job });
    if (parts.length === 2 && req.method === 'DELETE') return send(res, 200, { job: await o.queue.cancel(job.id) });
    if (parts.length === 3 && parts[2] === 'events' && req.method === 'GET') {
      const after = Number(url.searchParams.get('after') ?? -1);
      const events = await o.queue.events(job.id);
      return send(res, 200, { job, events: events.slice(Number.isInteger(after) && after >= 0 ? after + 1 : 0) });
    }
    throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
  };

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://companion');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!o.allowedOrigins.includes(origin)) {
        if (req.method === 'OPTIONS') return send(res, 403, { error: `origin ${origin} is not allowed to call this companion` });
      } else {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'origin');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, { 'access-control-allow-methods': 'GET, POST, DELETE', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
          return res.end();
        }
      }
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
    if (!sameToken(bearer, o.token)) return send(res, 401, { error: 'a valid access token is required (Authorization: Bearer <token>)' });
    routes(req, res, url).catch((err: unknown) => {
      if (err instanceof HttpError) return send(res, err.status, { error: err.message, ...err.extra });
      send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
}
