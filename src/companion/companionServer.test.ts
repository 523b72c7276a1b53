import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { uploadableDataset } from '../../test/companionFixtures.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import { continuedEvents } from '../core/train/continuedEvents.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { createCompanionServer } from './companionServer.ts';
import { EmbeddedQueue } from './embeddedQueue.ts';
import type { JobRecord, LoggedEvent } from './jobQueue.ts';
import { openJobSource } from './openJobSource.ts';
import { UploadStore } from './uploadStore.ts';

const TOKEN = 'test-token-0123456789';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function start(root = mkdtempSync(join(tmpdir(), 'companion-'))) {
  const uploads = new UploadStore(join(root, 'uploads'));
  const queue = new EmbeddedQueue({ root, backend: 'cpu', openSource: openJobSource(uploads) });
  await queue.open();
  const server = createCompanionServer({
    queue,
    uploads,
    runDir: (id) => queue.runDir(id),
    token: TOKEN,
    allowedOrigins: ['http://localhost:5173'],
    maxBodyBytes: 64 * 1024,
    maxUploadBytes: 256 * 1024,
    backend: { backend: 'cpu', adapter: 'fast kernels' },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  cleanups.push(() => server.close());
  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const post = (path: string, body: unknown, method = 'POST') => call(path, { method, body: JSON.stringify(body) });
  return { queue, root, call, post, port, uploads };
}

const epochsOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
const eventsOf = (logged: LoggedEvent[]) => logged.map((l) => l.event);

describe('the companion HTTP API', () => {
  it('refuses every request without the token, and says so', async () => {
    const { call } = await start();
    for (const token of [null, 'wrong']) {
      const res = await call('/health', {}, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'a valid access token is required (Authorization: Bearer <token>)' });
    }
    const ok = await call('/health');
    expect(await ok.json()).toEqual({ ok: true, backend: 'cpu', adapter: 'fast kernels', queueKind: 'embedded', queue: { queued: 0, active: 0, workers: 1 }, disk: { full: false } });
  });

  it('answers CORS preflights for studio origins only', async () => {
    const { call } = await start();
    const allowed = await call('/jobs', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } }, null);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    const denied = await call('/jobs', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }, null);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a bad spec with its problems (400), a huge body (413), and client paths (400)', async () => {
    const { post, queue } = await start();
    const bad = await post('/jobs', { spec: { ...tinyRunSpec(1), optimizer: { type: 'adam', lr: -1 } } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; problems: { path: string }[] };
    expect(body.error).toBe('the spec is not valid');
    expect(body.problems.map((p) => p.path)).toContain('optimizer.lr');
    const typo = await post('/jobs', { spec: { ...tinyRunSpec(1), loss: { type: 'crossEntropy', labelSmothing: 0.1 } } });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { problems: { path: string; message: string }[] }).problems).toEqual([
      { path: 'loss.labelSmothing', message: 'unknown key, did you mean `labelSmoothing`?' },
    ]);
    const huge = await post('/jobs', { spec: tinyRunSpec(1), pad: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    const path = await post('/jobs', { spec: tinyRunSpec(1, { kind: 'folder', path: '/etc' }) });
    expect(path.status).toBe(400);
    expect(((await path.json()) as { error: string }).error).toContain('paths on this machine are not taken from clients');
    const id = await post('/jobs', { id: '../x', spec: tinyRunSpec(1) });
    expect(id.status).toBe(400);
    const notUploaded = await post('/jobs', { spec: tinyRunSpec(1, { kind: 'indexeddb', datasetId: 'd', version: '0123456789abcdef' }) });
    expect(notUploaded.status).toBe(409);
    expect(((await notUploaded.json()) as { error: string }).error).toContain('has not been uploaded');
    expect(await queue.list()).toEqual([]);
  });

  it('runs a submitted job to the end with the events the browser trainer emits, once per id', async () => {
    const { post, call, queue } = await start();
    expect((await post('/jobs', { id: 'job-1', spec: tinyRunSpec(2) })).status).toBe(201);
    expect((await post('/jobs', { id: 'job-1', spec: tinyRunSpec(2) })).status).toBe(200);
    await queue.idle();
    const { job, events } = (await (await call('/jobs/job-1/events')).json()) as { job: JobRecord; events: LoggedEvent[] };
    expect(job).toMatchObject({ status: 'completed', attempts: 1 });
    expect(job.summary?.epochsRun).toBe(2);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events[0].event.type).toBe('trainBegin');
    expect(epochsOf(eventsOf(events))).toEqual([0, 1]);
    expect(events.at(-1)?.event.type).toBe('trainEnd');
    const later = (await (await call(`/jobs/job-1/events?after=${events.length - 2}`)).json()) as { events: LoggedEvent[] };
    expect(later.events.map((e) => e.seq)).toEqual([events.length - 1]);
    expect((await call('/jobs/nope')).status).toBe(404);

    // The final model comes back as one checkpoint bundle holding every weight the run has.
    const bundle = await call('/jobs/job-1/checkpoints/final');
    expect(bundle.status).toBe(200);
    const ckpt = unpackCheckpoint(new Uint8Array(await bundle.arrayBuffer()));
    expect(ckpt.epoch).toBe(2);
    expect(ckpt.weights.length).toBeGreaterThan(2);
    expect(ckpt.weights.every((w) => w.data.length === w.shape.reduce((a, b) => a * b, 1))).toBe(true);
    expect((await call('/jobs/job-1/checkpoints/nope')).status).toBe(404);
  });

  it('streams a job live over the WebSocket: every event once, in order, then its end', async () => {
    const { post, port, queue } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live?token=${TOKEN}`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const received: { type: string; seq?: number; job?: JobRecord }[] = [];
    const ended = new Promise<void>((resolve) =>
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { type: string; seq?: number; job?: JobRecord };
        received.push(m);
        if (m.type === 'status' && m.job?.status === 'completed') resolve();
      }),
    );
    await post('/jobs', { id: 'live-1', spec: tinyRunSpec(2) });
    ws.send(JSON.stringify({ type: 'subscribe', jobId: 'live-1', after: -1 }));
    await ended;
    ws.close();
    const seqs = received.flatMap((m) => (m.type === 'event' ? [m.seq] : []));
    const logged = await queue.events('live-1', -1);
    expect(seqs).toEqual(logged.map((l) => l.seq));
    expect(seqs.length).toBeGreaterThan(5);

    // Without the token, or from a foreign origin, the upgrade is refused.
    for (const [url, headers, code] of [
      [`ws://127.0.0.1:${port}/live`, {}, 401],
      [`ws://127.0.0.1:${port}/live?token=${TOKEN}`, { origin: 'https://evil.example' }, 403],
    ] as const) {
      const refused = new WebSocket(url, { headers });
      const status = await new Promise<number>((r) => refused.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)).once('open', () => r(101)));
      expect(status).toBe(code);
    }
  });

  it('takes a dataset as content-addressed uploads, resumes them, and trains a job on it', async () => {
    const { post, call, queue, root } = await start();
    const { manifest, blobs } = uploadableDataset();
    const hashes = [...blobs.keys()];
    const missing = (await (await post('/blobs/missing', { hashes })).json()) as { missing: string[] };
    expect(missing.missing.sort()).toEqual([...hashes].sort());

    // The manifest waits for its images (409 naming the missing ones); nothing is stored.
    const early = await post(`/datasets/${manifest.version}`, manifest, 'PUT');
    expect(early.status).toBe(409);
    expect(((await early.json()) as { missing: string[] }).missing).toHaveLength(hashes.length);

    // An interrupted upload: half the images, then ask again what is missing.
    for (const hash of hashes.slice(0, 6)) expect((await call(`/blobs/${hash}`, { method: 'PUT', body: blobs.get(hash) })).status).toBe(201);
    const rest = ((await (await post('/blobs/missing', { hashes })).json()) as { missing: string[] }).missing;
    expect(rest.sort()).toEqual(hashes.slice(6).sort());
    for (const hash of rest) await call(`/blobs/${hash}`, { method: 'PUT', body: blobs.get(hash) });
    expect((await call(`/blobs/${hashes[0]}`, { method: 'PUT', body: blobs.get(hashes[0]) })).status).toBe(200);

    // Bytes that do not hash to their name are refused, and leave no file behind.
    const forged = '0'.repeat(64);
    const bad = await call(`/blobs/${forged}`, { method: 'PUT', body: new Uint8Array([1, 2, 3]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('nothing was stored');
    expect(existsSync(join(root, 'uploads', 'blobs', '00'))).toBe(false);
    const tooBig = await call(`/blobs/${forged}`, { method: 'PUT', body: new Uint8Array(300 * 1024) });
    expect(tooBig.status).toBe(413);

    // A manifest whose version does not match its content is refused.
    const lying = { ...manifest, samples: manifest.samples.map((s, i) => (i === 0 ? { ...s, className: 'dark' } : s)) };
    const refused = await post(`/datasets/${manifest.version}`, lying, 'PUT');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain('does not match the samples');
    expect(readdirSync(join(root, 'uploads')).includes('datasets')).toBe(false);

    expect((await post(`/datasets/${manifest.version}`, manifest, 'PUT')).status).toBe(201);
    expect(await (await call(`/datasets/${manifest.version}`)).json()).toEqual({ dataset: { version: manifest.version, name: 'bars', samples: 12 } });

    const spec = { ...tinyRunSpec(2, { kind: 'indexeddb', datasetId: 'studio-local-id', version: manifest.version }), data: { source: { kind: 'indexeddb', datasetId: 'x', version: manifest.version }, imageSize: 8, channels: 1 } };
    const submitted = await post('/jobs', { id: 'on-upload', spec });
    expect(submitted.status).toBe(201);
    await queue.idle();
    const job = await queue.get('on-upload');
    expect(job).toMatchObject({ status: 'completed' });
    expect(job?.summary?.classNames).toEqual(['dark', 'light']);
  });

  it('fans a grid sweep out as one job per configuration and gathers their results', async () => {
    const { post, call, queue } = await start();
    const sweep = { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.01, 0.001] }, { path: 'training.batchSize', values: [4, 6] }] };
    const res = await post('/sweeps', { id: 'sw1', spec: tinyRunSpec(1), sweep });
    expect(res.status).toBe(201);
    await queue.idle();
    const { sweep: result } = (await (await call('/sweeps/sw1')).json()) as { sweep: { jobs: JobRecord[] } };
    expect(result.jobs.map((j) => j.id)).toEqual(['sw1-000', 'sw1-001', 'sw1-002', 'sw1-003']);
    expect(result.jobs.map((j) => j.sweep?.params)).toEqual([
      { 'optimizer.lr': 0.01, 'training.batchSize': 4 },
      { 'optimizer.lr': 0.01, 'training.batchSize': 6 },
      { 'optimizer.lr': 0.001, 'training.batchSize': 4 },
      { 'optimizer.lr': 0.001, 'training.batchSize': 6 },
    ]);
    expect(result.jobs.every((j) => j.status === 'completed' && typeof j.summary?.final.val_loss === 'number')).toBe(true);
    const invalid = await post('/sweeps', { spec: tinyRunSpec(1), sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [-1] }] } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { problems: { path: string }[] }).problems[0].path).toBe('configs.0.optimizer.lr');
  });

  it('continues a job a killed companion left active from its last checkpoint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'companion-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const first = await start(root);
    // The process "dies" after the first epoch: its trainer stops there, and the record on
    // disk is put back to what a killed process leaves behind (the job still active).
    first.queue.subscribe((u) => {
      if (u.type === 'event' && u.event.type === 'epoch' && u.event.epoch === 0) void first.queue.cancel(u.jobId);
    });
    await first.post('/jobs', { id: 'long', spec: tinyRunSpec(3) });
    await first.queue.idle();
    // The stop lands at the next batch after epoch 0's event is on disk: epoch 1 may have ended by then.
    const firstEpochs = epochsOf(eventsOf(await first.queue.events('long', -1)));
    expect(firstEpochs[0]).toBe(0);
    expect(firstEpochs.length).toBeLessThan(3);
    const state = JSON.parse(readFileSync(join(root, 'jobs.json'), 'utf8')) as { status: string }[];
    state[0].status = 'active';
    writeFileSync(join(root, 'jobs.json'), JSON.stringify(state));

    const uploads = new UploadStore(join(root, 'uploads'));
    const second = new EmbeddedQueue({ root, backend: 'cpu', openSource: openJobSource(uploads) });
    await second.open();
    await second.idle();
    expect(await second.get('long')).toMatchObject({ status: 'completed', attempts: 2 });
    // The log keeps both sessions; the curve continues: epochs 0, 1, 2 once each.
    const log = eventsOf(await second.events('long', -1));
    expect(log.filter((e) => e.type === 'trainBegin').map((e) => (e.type === 'trainBegin' ? e.startEpoch : -1))).toEqual([0, firstEpochs.length]);
    expect(epochsOf(continuedEvents(log))).toEqual([0, 1, 2]);
  });
});
