import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, startRedisGateway, startRedisWorker } from '../../test/redisServer.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { continuedEvents } from '../core/train/continuedEvents.ts';
import type { JobRecord } from './jobQueue.ts';
import type { RedisQueue } from './redisQueue.ts';

/**
 * BullMQ on a real redis-server: a gateway in this process, worker processes started the
 * way a user starts them (`npm run companion -- worker --redis URL`), sharing one root.
 */
const TOKEN = 'redis-test-token';
let redis: Awaited<ReturnType<typeof startRedis>>;
let queue: RedisQueue;
let root: string;
let base: string;
let close: (() => Promise<void>) | undefined;
const workers: ChildProcess[] = [];

async function startWorker(): Promise<ChildProcess> {
  const child = await startRedisWorker(redis.url, root, 1500);
  workers.push(child);
  return child;
}

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const pidOf = (job: JobRecord | undefined) => Number(/:(\d+) /.exec(job?.worker ?? '')?.[1]);

beforeAll(async () => {
  redis = await startRedis();
  root = mkdtempSync(join(tmpdir(), 'companion-redis-'));
  const gateway = await startRedisGateway(redis.url, root, TOKEN);
  ({ queue, base } = gateway);
  close = gateway.close;
  await Promise.all([startWorker(), startWorker()]);
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await close?.();
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the companion on BullMQ and Redis', () => {
  it('shares a sweep between two worker processes and gathers every result', async () => {
    expect(((await (await call('/health')).json()) as { queue: { workers: number } }).queue.workers).toBe(2);
    const sweep = { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.02, 0.01, 0.005, 0.002] }] };
    expect((await call('/sweeps', { method: 'POST', body: JSON.stringify({ id: 'grid', spec: tinyRunSpec(3), sweep }) })).status).toBe(201);
    expect((await call('/sweeps', { method: 'POST', body: JSON.stringify({ id: 'grid', spec: tinyRunSpec(3), sweep }) })).status).toBe(200);
    const jobs = await until('the sweep to finish', async () => {
      const { sweep: s } = (await (await call('/sweeps/grid')).json()) as { sweep: { jobs: JobRecord[] } };
      return s.jobs.every((j) => j.status === 'completed') ? s.jobs : undefined;
    });
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.attempts === 1 && j.summary?.epochsRun === 3)).toBe(true);
    expect(new Set(jobs.map(pidOf)).size).toBe(2);
  }, 120_000);

  it('resumes a job whose worker was killed from its last checkpoint, on another worker', async () => {
    const spec = tinyRunSpec(4, { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 40 });
    let killed: number | undefined;
    const unsubscribe = queue.subscribe((u) => {
      // Killed right after its first checkpoint is on disk: the next attempt must start from it.
      if (killed === undefined && u.type === 'event' && u.jobId === 'victim' && u.event.type === 'checkpoint' && u.event.kind === 'periodic') {
        void queue.get('victim').then((job) => {
          killed = pidOf(job);
          workers.find((w) => w.pid === killed)?.kill('SIGKILL');
        });
      }
    });
    expect((await call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'victim', spec }) })).status).toBe(201);
    const job = await until('the killed job to be finished by another worker', async () => {
      const j = await queue.get('victim');
      return j && j.status !== 'queued' && j.status !== 'active' ? j : undefined;
    });
    unsubscribe();
    expect(killed).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: 'completed', attempts: 2 });
    expect(pidOf(job)).not.toBe(killed);
    const log = (await queue.events('victim', -1)).map((l) => l.event);
    const begins = log.flatMap((e) => (e.type === 'trainBegin' ? [e.startEpoch] : []));
    expect(begins[0]).toBe(0);
    expect(begins[1]).toBeGreaterThanOrEqual(1);
    const epochs = continuedEvents(log).flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    expect(epochs).toEqual([0, 1, 2, 3]);
  }, 120_000);

  it('cancels a queued job at once and a running one at its next batch', async () => {
    const spec = tinyRunSpec(30, { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 40 });
    await call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'running', spec }) });
    await call('/jobs', { method: 'POST', body: JSON.stringify({ id: 'waiting', spec }) });
    await until('the first job to run', async () => ((await queue.get('running'))?.status === 'active' ? true : undefined));
    // One worker is left (the other was killed above), so "waiting" waits.
    const waiting = (await (await call('/jobs/waiting', { method: 'DELETE' })).json()) as { job: JobRecord };
    expect(waiting.job.status).toBe('cancelled');
    await call('/jobs/running', { method: 'DELETE' });
    const running = await until('the running job to stop', async () => {
      const j = await queue.get('running');
      return j?.status === 'cancelled' ? j : undefined;
    });
    expect(running.summary?.epochsRun).toBeLessThan(30);
  }, 120_000);
});
