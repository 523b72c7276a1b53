import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { createCompanionServer } from './companionServer.ts';
import { EmbeddedQueue } from './embeddedQueue.ts';

const TOKEN = 'test-token-0123456789';
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function start(root = mkdtempSync(join(tmpdir(), 'companion-'))) {
  const queue = new EmbeddedQueue({ root, backend: 'cpu' });
  await queue.open();
  const server = createCompanionServer({ queue, token: TOKEN, allowedOrigins: ['http://localhost:5173'], maxBodyBytes: 64 * 1024, backend: { backend: 'cpu', adapter: 'fast kernels' } });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => server.close());
  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return { queue, root, call };
}

describe('the companion HTTP API', () => {
  it('refuses every request without the token, and says so', async () => {
    const { call } = await start();
    for (const token of [null, 'wrong']) {
      const res = await call('/health', {}, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'a valid access token is required (Authorization: Bearer <token>)' });
    }
    const ok = await call('/health');
    expect(await ok.json()).toEqual({ ok: true, backend: 'cpu', adapter: 'fast kernels', queue: { queued: 0, active: 0 } });
  });

  it('answers CORS preflights for studio origins only', async () => {
    const { call } = await start();
    const allowed = await call('/jobs', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } }, null);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const denied = await call('/jobs', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }, null);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a bad spec with its problems (400), a huge body (413), and client paths (400)', async () => {
    const { call, queue } = await start();
    const bad = await call('/jobs', { method: 'POST', body: JSON.stringify({ spec: { ...tinyRunSpec(1), optimizer: { type: 'adam', lr: -1 } } }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; problems: { path: string }[] };
    expect(body.error).toBe('the spec is not valid');
    expect(body.problems.map((p) => p.path)).toContain('optimizer.lr');
    const huge = await call('/jobs', { method: 'POST', body: JSON.stringify({ spec: tinyRunSpec(1), pad: 'x'.repeat(70 * 1024) }) });
    expect(huge.status).toBe(413);
    const path = await call('/jobs', { method: 'POST', body: JSON.stringify({ spec: tinyRunSpec(1, { kind: 'folder', path: '/etc' }) }) });
    expect(path.status).toBe(400);
    expect(((await path.json()) as { error: string }).error).toContain('paths on this machine are not taken from clients');
    const id = await call('/jobs', { method: 'POST', body: JSON.stringify({ id: '../x', spec: tinyRunSpec(1) }) });
    expect(id.status).toBe(400);
    expect(queue.list()).toEqual([]);
  });

  it('runs a submitted job to the end with the events the browser trainer emits, once per id', async () => {
    const { call, queue } = await start();
    const first = await call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'job-1', spec: tinyRunSpec(2) }) });
    expect(first.status).toBe(201);
    const again = await call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'job-1', spec: tinyRunSpec(2) }) });
    expect(again.status).toBe(200);
    await queue.idle();
    const res = await call('/jobs/job-1/events');
    const { job, events } = (await res.json()) as { job: { status: string; attempts: number }; events: { type: string }[] };
    expect(job).toMatchObject({ status: 'completed', attempts: 1 });
    expect(events[0].type).toBe('trainBegin');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('trainEnd');
    const later = (await (await call(`/jobs/job-1/events?after=${events.length - 2}`)).json()) as { events: unknown[] };
    expect(later.events).toHaveLength(1);
    expect((await call('/jobs/nope')).status).toBe(404);
  });

  it('continues a job a killed companion left active from its last checkpoint', async () => {
    const root = mkdtempSync(join(tmpdir(), 'companion-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const first = await start(root);
    // The process "dies" after the first epoch: its trainer stops there, and the record on
    // disk is put back to what a killed process leaves behind (the job still active).
    first.queue.on((id, e) => {
      if (e.type === 'epoch' && e.epoch === 0) void first.queue.cancel(id);
    });
    await first.call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'long', spec: tinyRunSpec(3) }) });
    await first.queue.idle();
    expect((await first.queue.events('long')).filter((e) => e.type === 'epoch')).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(root, 'jobs.json'), 'utf8')) as { status: string }[];
    state[0].status = 'active';
    writeFileSync(join(root, 'jobs.json'), JSON.stringify(state));

    const second = new EmbeddedQueue({ root, backend: 'cpu' });
    await second.open();
    await second.idle();
    expect(second.get('long')).toMatchObject({ status: 'completed', attempts: 2 });
    // The curve continues: epochs 0, 1, 2 once each, the first from before the kill.
    const epochs = (await second.events('long')).flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    expect(epochs).toEqual([0, 1, 2]);
  });
});
