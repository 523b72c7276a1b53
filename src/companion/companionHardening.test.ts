import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { COMPANION_TEST_TOKEN, filesUnder, startCompanion, uploadableDataset, type StartedCompanion } from '../../test/companionFixtures.ts';
import { freePort, startRedis } from '../../test/redisServer.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import type { SampleSource } from '../core/data/sampleSource.ts';
import { unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import { continuedEvents } from '../core/train/continuedEvents.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import { admissionLimitsFrom, defaultAdmissionLimits } from './admissionLimits.ts';
import { createCompanionServer } from './companionServer.ts';
import type { JobRecord, LoggedEvent } from './jobQueue.ts';
import { openJobSource } from './openJobSource.ts';
import { RedisQueue } from './redisQueue.ts';
import { UploadStore } from './uploadStore.ts';

/** Each finding of issue 23 (companion hardening), as a test that failed before its fix. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'companion-hard-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

async function companion(options: Parameters<typeof startCompanion>[1] = {}, root = tempRoot()): Promise<StartedCompanion> {
  const started = await startCompanion(root, options);
  cleanups.push(() => started.close());
  return started;
}

const epochsOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));

type Problems = { error: string; problems?: { path: string; message: string }[] };

describe('no file outside the companion root', () => {
  it('refuses initial weights given as a path, in a job or a sweep, and queues nothing', async () => {
    const { post, queue, root } = await companion();
    const before = filesUnder(root);
    for (const initialWeights of [
      { from: 'tfjs', path: '/etc/passwd' },
      { from: 'checkpoint', path: '../../runs/other' },
    ]) {
      const spec = { ...tinyRunSpec(1), model: { ...tinyRunSpec(1).model, initialWeights } };
      const res = await post('/jobs', { id: 'weights', spec });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Problems;
      expect(body.problems?.[0].path).toBe('model.initialWeights');
      expect(body.problems?.[0].message).toContain('which a companion never reads from a client: upload a safetensors file');
      const sweep = await post('/sweeps', { id: 'sw', spec, sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.01, 0.02] }] } });
      expect(sweep.status).toBe(400);
      expect(((await sweep.json()) as Problems).problems?.map((p) => p.path)).toEqual(['configs.0.model.initialWeights', 'configs.1.model.initialWeights']);
    }
    // A sweep that puts the path in through a swept parameter is refused the same way.
    const base = { ...tinyRunSpec(1), model: { ...tinyRunSpec(1).model, initialWeights: { from: 'tfjs', path: 'x' } } };
    const swept = await post('/sweeps', { id: 'sw2', spec: base, sweep: { kind: 'grid', parameters: [{ path: 'model.initialWeights.path', values: ['/etc/shadow'] }] } });
    expect(swept.status).toBe(400);
    expect(((await swept.json()) as Problems).problems?.[0].path).toBe('configs.0.model.initialWeights');
    expect(await queue.list()).toEqual([]);
    expect(filesUnder(root)).toEqual(before);
  });

  it('fails a job queued before the check (left in jobs.json) instead of reading its path', async () => {
    const root = tempRoot();
    const spec = { ...parseRunSpec(tinyRunSpec(1)), model: { ...parseRunSpec(tinyRunSpec(1)).model, initialWeights: { from: 'tfjs', path: '/etc/passwd' } } };
    writeFileSync(join(root, 'jobs.json'), JSON.stringify([{ id: 'old', spec, status: 'queued', createdAt: 1, attempts: 0 }]));
    const { queue } = await companion({}, root);
    await queue.idle();
    const job = await queue.get('old');
    expect(job?.status).toBe('failed');
    expect(job?.message).toContain('model.initialWeights: names weights by a path or URL');
    expect(job?.message).not.toContain('root:');
  });
});

/** Starts `npm run companion` as a user does; resolves once a line matching `ready` is printed, or with the exit. */
function startMain(args: string[], env: Record<string, string | undefined> = {}, ready = /\?token=/): Promise<{ out: string; code: number | null; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/companion/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STUDIO_COMPANION_TOKEN: undefined, ...env },
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    let out = '';
    const seen = (d: Buffer) => {
      out += String(d);
      if (ready.test(out)) resolve({ out, code: null, child });
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) => resolve({ out, code, child }));
  });
}

describe('access tokens', () => {
  it('generates and prints a token when none or an empty one is given, and still refuses requests without it', async () => {
    for (const [args, env] of [
      [['--token', ''], {}],
      [[], { STUDIO_COMPANION_TOKEN: '' }],
    ] as const) {
      const port = await freePort();
      const { out, code } = await startMain([...args, '--backend', 'cpu', '--root', tempRoot(), '--port', String(port)], env);
      expect(code).toBeNull();
      const token = /\?token=([0-9a-f]+)/.exec(out)?.[1] ?? '';
      expect(token).toHaveLength(48);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: 'Bearer ' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('refuses to start with a token shorter than 32 characters, and says why', async () => {
    for (const [args, env, from] of [
      [['--token', 'x'], {}, '--token is 1 characters'],
      [[], { STUDIO_COMPANION_TOKEN: 'short-token-0123456789' }, 'STUDIO_COMPANION_TOKEN is 22 characters'],
    ] as const) {
      const { out, code } = await startMain([...args, '--backend', 'cpu', '--root', tempRoot(), '--port', String(await freePort())], env);
      expect(code).toBe(1);
      expect(out).toContain(from);
      expect(out).toContain('needs at least 32');
    }
  });

  it('keeps the server from starting with an empty token even when embedded without main.ts', async () => {
    await expect(startCompanion(tempRoot(), { token: '' })).rejects.toThrow('an access token is required');
  });
});

describe('logs hold no secret', () => {
  it('masks the Redis password in what the gateway and a worker print', async () => {
    const secret = 'hunter2-redis-password-0123';
    const redis = await startRedis({ password: secret });
    cleanups.push(() => redis.stop());
    const root = tempRoot();
    const gateway = await startMain(['--redis', redis.url, '--root', root, '--port', String(await freePort()), '--token', 'g'.repeat(32)], {}, /\?token=/);
    expect(gateway.code).toBeNull();
    expect(gateway.out).toContain('redis://:***@127.0.0.1');
    const worker = await startMain(['worker', '--redis', redis.url, '--root', root, '--backend', 'cpu'], {}, /companion worker/);
    expect(worker.code).toBeNull();
    for (const { out, child } of [gateway, worker]) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      expect(out).not.toContain(secret);
    }
  });
});

describe('jobs.json: durable, recovered when damaged, ids bound to their spec', () => {
  /** A root holding one completed job "a" (and a sweep of two), as a companion leaves it. */
  async function rootWithJobs(): Promise<string> {
    const root = tempRoot();
    const first = await startCompanion(root);
    expect((await first.post('/jobs', { id: 'a', spec: tinyRunSpec(1) })).status).toBe(201);
    expect((await first.post('/sweeps', { id: 'sw', spec: tinyRunSpec(1), sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.01, 0.02] }] } })).status).toBe(201);
    await first.queue.idle();
    await first.close();
    return root;
  }

  it('keeps the previous copy and writes whole files', async () => {
    const root = await rootWithJobs();
    const current = JSON.parse(readFileSync(join(root, 'jobs.json'), 'utf8')) as JobRecord[];
    const previous = JSON.parse(readFileSync(join(root, 'jobs.json.prev'), 'utf8')) as JobRecord[];
    expect(current.map((j) => j.status)).toEqual(['completed', 'completed', 'completed']);
    // The copy before the last write: the last job not ended yet.
    expect(previous.map((j) => j.status)).toEqual(['completed', 'completed', 'active']);
    expect(existsSync(join(root, 'jobs.json.tmp'))).toBe(false);
  });

  for (const [damage, cut] of [
    ['cut in half', (t: string) => t.slice(0, t.length / 2)],
    ['empty', () => ''],
    ['{}', () => '{}'],
  ] as const) {
    it(`starts from the previous copy when jobs.json is ${damage}, and says so`, async () => {
      const root = await rootWithJobs();
      writeFileSync(join(root, 'jobs.json'), cut(readFileSync(join(root, 'jobs.json'), 'utf8')));
      const notes: string[] = [];
      const { queue } = await companion({ queueOptions: { log: (l) => notes.push(l) } }, root);
      await queue.idle();
      expect((await queue.list()).map((j) => [j.id, j.status, j.attempts])).toEqual([
        ['a', 'completed', 1],
        ['sw-000', 'completed', 1],
        ['sw-001', 'completed', 1],
      ]);
      expect(notes.join('\n')).toContain('jobs.json is damaged');
      expect(notes.join('\n')).toContain('started from the previous copy');
      expect(notes.join('\n')).toContain('took the ending recorded in the run directory for sw-001 (completed)');
    });
  }

  it('rebuilds the jobs from their run directories when both copies are damaged', async () => {
    const root = await rootWithJobs();
    writeFileSync(join(root, 'jobs.json'), '[{"id":');
    writeFileSync(join(root, 'jobs.json.prev'), '');
    const notes: string[] = [];
    const { queue } = await companion({ queueOptions: { log: (l) => notes.push(l) } }, root);
    await queue.idle();
    const jobs = await queue.list();
    expect(jobs.map((j) => [j.id, j.status]).sort()).toEqual([
      ['a', 'completed'],
      ['sw-000', 'completed'],
      ['sw-001', 'completed'],
    ]);
    expect(jobs.every((j) => j.summary?.epochsRun === 1)).toBe(true);
    expect(notes.join('\n')).toContain('rebuilt 3 job(s) from their run directories');
  });

  it('answers a resubmitted id whose run directory holds another spec with 409, the same spec with the job', async () => {
    const root = await rootWithJobs();
    rmSync(join(root, 'jobs.json'));
    rmSync(join(root, 'jobs.json.prev'));
    const { post, call, queue } = await companion({ queueOptions: { log: () => undefined } }, root);
    const other = { ...tinyRunSpec(3), name: 'another' };
    const res = await post('/jobs', { id: 'a', spec: other });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problems).error).toContain('job id "a" already names a run of another spec');
    expect((await post('/jobs', { id: 'a', spec: tinyRunSpec(1) })).status).toBe(200);
    const sweep = await post('/sweeps', { id: 'sw', spec: other, sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.01, 0.02] }] } });
    expect(sweep.status).toBe(409);
    // A run directory the queue has no record of at all (its record lost elsewhere) binds its id too.
    mkdirSync(join(root, 'runs', 'orphan'), { recursive: true });
    writeFileSync(join(root, 'runs', 'orphan', 'spec.json'), JSON.stringify(parseRunSpec(tinyRunSpec(1))));
    expect((await post('/jobs', { id: 'orphan', spec: other })).status).toBe(409);
    expect((await call('/jobs/orphan')).status).toBe(404);
    await queue.idle();
    expect((await queue.get('a'))?.summary?.epochsRun).toBe(1);
  });
});

describe('cancel at any stage', () => {
  it('ends a job whose data is still loading: cancelled, no epoch trained, no image read after the cancel', async () => {
    let reads = 0;
    const slowSource = (uploads: UploadStore) => {
      const open = openJobSource(uploads);
      return (spec: RunSpec): SampleSource => {
        const source = open(spec);
        return {
          description: source.description,
          list: () => source.list(),
          async read(ref) {
            reads += 1;
            await new Promise((r) => setTimeout(r, 100));
            return source.read(ref);
          },
        };
      };
    };
    const root = tempRoot();
    const { post, call, queue } = await companion({ openSource: slowSource(new UploadStore(join(root, 'uploads'))) }, root);
    expect((await post('/jobs', { id: 'loading', spec: tinyRunSpec(2) })).status).toBe(201);
    while (reads < 4) await new Promise((r) => setTimeout(r, 10));
    const res = await call('/jobs/loading', { method: 'DELETE' });
    const readsAtCancel = reads;
    expect(res.status).toBe(200);
    await queue.idle();
    const job = await queue.get('loading');
    expect(job).toMatchObject({ status: 'cancelled', message: 'cancelled by the user' });
    expect((await queue.events('loading', -1)).filter((e) => e.event.type === 'epoch')).toEqual([]);
    // The four loading lanes may each have had one read under way; none started after.
    expect(reads).toBeLessThanOrEqual(readsAtCancel + 4);
    expect(reads).toBeLessThan(18);
  });
});

describe('a full disk', () => {
  const enospc = (path: string) => Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });

  it('fails the job writing when it fills (disk full), refuses new work with 507, reports it on /health and recovers (fault-injecting file layer)', async () => {
    let full = false;
    const started = await companion({ beforeWrite: (path) => {
      if (full) throw enospc(path);
    } });
    const { post, call, queue, root } = started;
    queue.subscribe((u) => {
      if (u.type === 'event' && u.jobId === 'fills' && u.event.type === 'epoch') full = true;
    });
    expect((await post('/jobs', { id: 'fills', spec: tinyRunSpec(3) })).status).toBe(201);
    await queue.idle();
    const job = await queue.get('fills');
    expect(job?.status).toBe('failed');
    expect(job?.message).toMatch(/^disk full: job fills's event log could not be written \(ENOSPC/);
    const health = (await (await call('/health')).json()) as { ok: boolean; disk: { full: boolean; message: string } };
    expect(health.ok).toBe(true);
    expect(health.disk.full).toBe(true);
    expect(health.disk.message).toContain('ENOSPC');

    // New work is refused while nothing can be written, and nothing half-written is left.
    const before = filesUnder(root);
    const refused = await post('/jobs', { id: 'next', spec: tinyRunSpec(1) });
    expect(refused.status).toBe(507);
    expect(((await refused.json()) as Problems).error).toContain('disk full');
    expect(await queue.get('next')).toBeUndefined();
    const { blobs } = uploadableDataset(1);
    const [hash, bytes] = [...blobs][0];
    expect((await call(`/blobs/${hash}`, { method: 'PUT', body: bytes })).status).toBe(507);
    expect(filesUnder(root)).toEqual(before);

    // Room again: the next job trains, and /health says the disk is fine.
    full = false;
    expect((await post('/jobs', { id: 'next', spec: tinyRunSpec(1) })).status).toBe(201);
    await queue.idle();
    expect(await queue.get('next')).toMatchObject({ status: 'completed' });
    expect(((await (await call('/health')).json()) as { disk: { full: boolean } }).disk).toEqual({ full: false });
  });

  /** A real full disk: a 1 MiB tmpfs (mounting needs root; where it is refused, the test above covers the same paths). */
  const mountable = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = mkdtempSync(join(tmpdir(), 'companion-tmpfs-probe-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();

  it.skipIf(!mountable)('survives a real full disk (a tmpfs filled up mid-job): the job fails "disk full", the server answers, then trains again once there is room', async () => {
    const root = tempRoot();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', root]);
    cleanups.push(() => void execFileSync('umount', ['-l', root]));
    const { post, call, queue } = await companion({}, root);
    const filler = join(root, 'filler');
    queue.subscribe((u) => {
      if (u.type !== 'event' || u.jobId !== 'fills' || u.event.type !== 'epoch' || existsSync(filler)) return;
      // Fill every byte left, the way another tenant's download would.
      try {
        writeFileSync(filler, Buffer.alloc(4 << 20));
      } catch {
        // ENOSPC once full: what was written stays.
      }
    });
    expect((await post('/jobs', { id: 'fills', spec: tinyRunSpec(4) })).status).toBe(201);
    await queue.idle();
    const job = await queue.get('fills');
    expect(job?.status).toBe('failed');
    expect(job?.message).toMatch(/^disk full: .*ENOSPC/);
    expect(((await (await call('/health')).json()) as { disk: { full: boolean } }).disk.full).toBe(true);
    rmSync(filler);
    expect((await post('/jobs', { id: 'after', spec: tinyRunSpec(1) })).status).toBe(201);
    await queue.idle();
    expect(await queue.get('after')).toMatchObject({ status: 'completed' });
    expect(((await (await call('/health')).json()) as { disk: { full: boolean } }).disk.full).toBe(false);
  });
});

describe('admission control', () => {
  const spec = tinyRunSpec(1);
  const synthetic = (over: Record<string, number>) => ({ ...spec, data: { ...spec.data, source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 6, ...over } } });

  it("refuses a spec over any limit with 400 naming the field, its value and the limit, and queues nothing (the issue's findings)", async () => {
    const { post, queue, root } = await companion({ maxBodyBytes: 1 << 20 });
    const before = filesUnder(root);
    const cases: [string, unknown, string, string][] = [
      ['perClass 1e9', synthetic({ perClass: 1e9 }), 'data.source.perClass', 'is 3000000000; this companion takes at most 2000000 (--max-images)'],
      ['classes 1e6', synthetic({ classes: 1e6, perClass: 1 }), 'data.source.classes', 'is 1000000; this companion takes at most 100000 (--max-classes)'],
      ['epochs 1e9', tinyRunSpec(1e9), 'training.epochs', 'is 1000000000; this companion takes at most 10000 (--max-epochs)'],
      ['imageSize 1e5', { ...spec, data: { ...spec.data, imageSize: 1e5 }, model: { ...spec.model, inputSize: 1e5 } }, 'data.imageSize', 'is 100000; this companion takes at most 1024 (--max-image-size)'],
      ['width 1e6', { ...spec, model: { ...spec.model, width: 1e6 } }, 'model.width', 'is 1000000; this companion takes at most 2 (--max-width)'],
      ['hidden [1e9]', { ...spec, model: { ...spec.model, head: { hidden: [1e9] } } }, 'model.head.hidden.0', 'is 1000000000; this companion takes at most 65536 (--max-hidden)'],
      ['a 500 KB name', { ...spec, name: 'n'.repeat(500_000) }, 'name', 'is 500000; this companion takes at most 256 (--max-name)'],
      ['batch 1e6', { ...spec, training: { ...spec.training, batchSize: 1e6 } }, 'training.batchSize', 'is 1000000; this companion takes at most 4096 (--max-batch)'],
      ['100 hidden layers', { ...spec, model: { ...spec.model, head: { hidden: Array(100).fill(8) } } }, 'model.head.hidden', 'is 100; this companion takes at most 16 (--max-hidden-layers)'],
      ['epochs × steps', { ...synthetic({ perClass: 100_000 }), training: { ...spec.training, epochs: 5000, batchSize: 1 } }, 'training.epochs', 'steps; this companion takes at most 10000000 (--max-steps)'],
      ['hidden chain of 60 000 × 60 000', { ...spec, model: { ...spec.model, head: { hidden: [60_000, 60_000, 60_000] } } }, 'model.head', 'for its dense layers alone'],
    ];
    for (const [what, body, path, message] of cases) {
      const res = await post('/jobs', { id: 'x', spec: body });
      const answer = (await res.json()) as Problems;
      expect(res.status, what).toBe(400);
      expect(answer.error, what).toBe("the spec is over this companion's limits");
      const problem = answer.problems?.find((p) => p.path === path);
      expect(problem?.message, what).toContain(message);
      // The same spec swept is refused the same way, per configuration (a sweep names its runs itself, cut to 200 characters).
      if (path === 'name') continue;
      const sweep = await post('/sweeps', { id: 's', spec: body, sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [0.01] }] } });
      expect(sweep.status, what).toBe(400);
      expect(((await sweep.json()) as Problems).problems?.some((p) => p.path === `configs.0.${path}`), what).toBe(true);
    }
    expect(await queue.list()).toEqual([]);
    expect(filesUnder(root)).toEqual(before);
  });

  it('estimates training memory with the core and refuses what is over the limit the operator set', async () => {
    const limits = { ...defaultAdmissionLimits(), trainingBytes: 64 << 20 };
    const { post, queue } = await companion({ limits });
    const big = { ...spec, data: { ...spec.data, imageSize: 224 }, model: { architecture: 'resnet18', inputSize: 224, width: 1 }, training: { ...spec.training, batchSize: 32 } };
    const res = await post('/jobs', { id: 'big', spec: big });
    expect(res.status).toBe(400);
    const problem = ((await res.json()) as Problems).problems?.[0];
    expect(problem?.path).toBe('model');
    expect(problem?.message).toMatch(/^needs about \d+\.\d\d GiB to train at batch 32 \(resnet18, 224 px, width 1\); this companion takes at most 0\.06 GiB \(--max-train-memory 67108864\)/);
    // The tiny spec fits in 64 MiB and trains.
    expect((await post('/jobs', { id: 'tiny', spec })).status).toBe(201);
    await queue.idle();
    expect((await queue.get('tiny'))?.status).toBe('completed');
  });

  it('takes its limits from flags, else the environment, else the defaults, and refuses nonsense', () => {
    const limits = admissionLimitsFrom({ 'max-epochs': '50' }, { STUDIO_COMPANION_MAX_EPOCHS: '70', STUDIO_COMPANION_MAX_IMAGE_SIZE: '256' }, defaultAdmissionLimits(8 * 2 ** 30));
    expect(limits).toMatchObject({ epochs: 50, imageSize: 256, trainingBytes: 4 * 2 ** 30, width: 2 });
    expect(() => admissionLimitsFrom({ 'max-width': 'lots' }, {})).toThrow('--max-width must be a positive number (model.width); got "lots"');
    expect(() => admissionLimitsFrom({}, { STUDIO_COMPANION_MAX_CLASSES: '-1' })).toThrow('STUDIO_COMPANION_MAX_CLASSES must be a positive number');
  });
});

describe('a job that kills its process', () => {
  it('is failed with the reason after three starts in a row without progress instead of blocking the queue at every restart', async () => {
    const root = tempRoot();
    const record = (id: string, attempts: number, crashes: number) => ({ id, spec: parseRunSpec(tinyRunSpec(1)), status: 'active', createdAt: 1, attempts, crashes, stepAtStart: -1 });
    writeFileSync(join(root, 'jobs.json'), JSON.stringify([record('killer', 3, 2), record('victim', 1, 1)]));
    const notes: string[] = [];
    const { queue } = await companion({ queueOptions: { log: (l) => notes.push(l) } }, root);
    await queue.idle();
    expect(await queue.get('killer')).toMatchObject({
      status: 'failed',
      attempts: 3,
      message: 'the companion stopped 3 times in a row while training this job, without it reaching a new checkpoint (out of memory, or a crash?); it is not tried again',
    });
    expect(await queue.get('victim')).toMatchObject({ status: 'completed', attempts: 2, crashes: 2 });
    expect(notes.join('\n')).toContain('job killer failed');
  });
});

describe('bounded memory and time', () => {
  /** A PUT whose body the test sends piece by piece; `end()` sends the rest and resolves with the answer. */
  function slowPut(port: number, path: string, declared: number, first: Uint8Array) {
    const req = request({ host: '127.0.0.1', port, path, method: 'PUT', headers: { authorization: `Bearer ${COMPANION_TEST_TOKEN}`, 'content-length': declared } });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    req.write(first);
    return { answer, end: (rest: Uint8Array) => req.end(rest) };
  }

  it('streams an upload to disk while it arrives, and takes only so many uploads at once', async () => {
    const { port, root, call } = await companion({ maxConcurrentUploads: 2, maxUploadBytes: 8 << 20 });
    const bytes = new Uint8Array(4 << 20).map((_, i) => (i * 31) % 251);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const half = bytes.length / 2;
    const first = slowPut(port, `/blobs/${hash}`, bytes.length, bytes.subarray(0, half));
    const second = slowPut(port, `/blobs/${hash}`, bytes.length, bytes.subarray(0, half));
    // Half the body is on disk before the rest is sent: nothing holds the upload whole in memory.
    const incoming = join(root, 'uploads', 'incoming');
    const partSizes = async () => (existsSync(incoming) ? readdirSync(incoming).map((f) => statSync(join(incoming, f)).size) : []);
    for (let i = 0; i < 200 && (await partSizes()).filter((s) => s >= half).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await partSizes()).filter((s) => s >= half)).toHaveLength(2);
    // A third upload while two are under way: 503 with Retry-After, and nothing of it is written.
    const third = await call(`/blobs/${hash}`, { method: 'PUT', body: bytes });
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as Problems).error).toContain('2 uploads are under way');
    first.end(bytes.subarray(half));
    second.end(bytes.subarray(half));
    expect((await first.answer).status).toBeLessThan(202);
    expect((await second.answer).status).toBeLessThan(202);
    expect(readFileSync(join(root, 'uploads', 'blobs', hash.slice(0, 2), hash)).equals(Buffer.from(bytes))).toBe(true);
    expect(readdirSync(incoming)).toEqual([]);
  });

  it('bounds blobs/missing, refuses deeply nested JSON with 400, and an over-long streamed upload with 413 leaving nothing', async () => {
    const { post, call, root, port } = await companion({ maxMissingHashes: 10 });
    const hashes = Array.from({ length: 11 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
    const many = await post('/blobs/missing', { hashes });
    expect(many.status).toBe(413);
    expect(((await many.json()) as Problems).error).toBe('asked about 11 hashes at once; ask about at most 10 per request');
    expect((await post('/blobs/missing', { hashes: hashes.slice(0, 10) })).status).toBe(200);
    const before = filesUnder(root);
    for (const [path, method] of [['/jobs', 'POST'], ['/sweeps', 'POST'], [`/datasets/${'0'.repeat(16)}`, 'PUT'], ['/blobs/missing', 'POST']]) {
      for (const body of ['['.repeat(1000), `{"spec":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`]) {
        const res = await call(path, { method, body });
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(((await res.json()) as Problems).error).toBe('the request body nests deeper than 32 levels; no request of this API does');
      }
    }
    // A body longer than it declared it would be is cut off at the limit.
    const lying = slowPut(port, `/blobs/${'a'.repeat(64)}`, 300 * 1024, new Uint8Array(200 * 1024));
    lying.end(new Uint8Array(100 * 1024));
    expect((await lying.answer).status).toBe(413);
    expect(filesUnder(root)).toEqual(before);
  });

  it('answers 503 within a few seconds while Redis is unreachable', async () => {
    const redis = await startRedis();
    const queue = new RedisQueue(redis.url, 'unreachable', { timeoutMs: 2000 });
    await queue.open();
    const server = createCompanionServer({
      queue,
      uploads: new UploadStore(join(tempRoot(), 'uploads')),
      runDir: (id) => join(tempRoot(), id),
      token: COMPANION_TEST_TOKEN,
      allowedOrigins: [],
      maxBodyBytes: 1 << 16,
      maxUploadBytes: 1 << 16,
      backend: { backend: 'workers', adapter: 'BullMQ' },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      server.closeAllConnections();
      server.close();
      await queue.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = { authorization: `Bearer ${COMPANION_TEST_TOKEN}`, 'content-type': 'application/json' };
    expect((await fetch(`${base}/jobs`, { headers: auth })).status).toBe(200);
    await redis.stop();
    for (const [path, init] of [
      ['/health', {}],
      ['/jobs', {}],
      ['/jobs', { method: 'POST', body: JSON.stringify({ id: 'while-down', spec: tinyRunSpec(1) }) }],
    ] as const) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { ...init, headers: auth });
      const seconds = (performance.now() - started) / 1000;
      expect(res.status, path).toBe(503);
      expect(seconds, path).toBeLessThan(5);
      expect(((await res.json()) as Problems).error).toMatch(/^Redis did not answer within 2 s/);
    }
  });
});

describe('events are durable and numbered once', () => {
  it('across ten kill -9s of the companion mid-job: the job completes with the weights of an uninterrupted run, and a client reconnecting with after= sees every seq once, each equal to the log', async () => {
    const root = tempRoot();
    const port = await freePort();
    const token = 'k'.repeat(40);
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const args = ['--backend', 'cpu', '--root', root, '--port', String(port), '--token', token];
    const received = new Map<number, string>();
    const duplicates: number[] = [];
    let last = -1;
    /** Subscribes from the last seq held; resolves when `more` new events came, or the job ended, or the server died. */
    const follow = (more: number) =>
      new Promise<'more' | 'ended' | 'closed'>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/live?token=${token}`);
        let fresh = 0;
        ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', jobId: 'durable', after: last })));
        ws.on('message', (raw) => {
          const m = JSON.parse(String(raw)) as { type: string; seq?: number; event?: unknown; job?: JobRecord };
          if (m.type === 'event' && m.seq !== undefined) {
            if (received.has(m.seq)) duplicates.push(m.seq);
            received.set(m.seq, JSON.stringify(m.event));
            last = Math.max(last, m.seq);
            if (++fresh >= more) resolve('more');
          }
          if (m.type === 'status' && m.job && !['queued', 'active'].includes(m.job.status)) resolve('ended');
        });
        ws.on('close', () => resolve('closed'));
        ws.on('error', () => resolve('closed'));
        cleanups.push(() => ws.terminate());
      });

    const KILLS = 10;
    const EPOCHS = 40;
    // At 24 px an epoch (3 steps of 4 pictures) takes long enough that a restart's backlog —
    // what the job trained between the companion starting and the client subscribing — is a
    // few epochs, not the rest of the job: at 8 px, once the cpu kernels got faster, a CI run
    // saw the job end after 4 kills.
    const tiny = tinyRunSpec(EPOCHS);
    const spec = { ...tiny, data: { ...tiny.data, imageSize: 24 }, model: { ...tiny.model, inputSize: 24 } };
    let kills = 0;
    let submitted = false;
    for (let round = 0; round < KILLS + 2; round++) {
      const { child, code } = await startMain(args);
      expect(code).toBeNull();
      if (!submitted) {
        expect((await fetch(`${base}/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ id: 'durable', spec }) })).status).toBe(201);
        submitted = true;
      }
      // About two epochs of events a round (3 steps and an epoch event each), so every restart resumes from a newer checkpoint.
      const outcome = await follow(kills < KILLS ? 7 : Infinity);
      if (outcome === 'ended' || kills >= KILLS) {
        if (outcome !== 'ended') await follow(Infinity);
        break;
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills++;
    }
    expect(kills).toBe(KILLS);
    const { job, events } = (await (await fetch(`${base}/jobs/durable/events`, { headers: auth })).json()) as { job: JobRecord; events: LoggedEvent[] };
    expect(job.status).toBe('completed');
    // Each kill ends at most one attempt: a CI run once counted 10 attempts for 10 kills (a kill that found no attempt running; not yet explained).
    expect(job.attempts).toBeGreaterThanOrEqual(KILLS);
    expect(job.attempts).toBeLessThanOrEqual(KILLS + 1);
    expect(duplicates).toEqual([]);
    // Every seq of the log reached the client, and what it holds at each seq is what the log holds there.
    expect([...received.keys()].sort((a, b) => a - b)).toEqual(events.map((e) => e.seq));
    expect(events.every((e) => received.get(e.seq) === JSON.stringify(e.event))).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(epochsOf(continuedEvents(events.map((e) => e.event)))).toEqual(Array.from({ length: EPOCHS }, (_, i) => i));

    // The same spec trained without a kill, on the companion still running, ends on the very same weights.
    expect((await fetch(`${base}/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ id: 'uninterrupted', spec }) })).status).toBe(201);
    for (let wait = 0; wait < 600; wait++) {
      const { job: clean } = (await (await fetch(`${base}/jobs/uninterrupted`, { headers: auth })).json()) as { job: JobRecord };
      if (!['queued', 'active'].includes(clean.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const final = async (id: string) => unpackCheckpoint(new Uint8Array(await (await fetch(`${base}/jobs/${id}/checkpoints/final`, { headers: auth })).arrayBuffer()));
    const [killed, clean] = [await final('durable'), await final('uninterrupted')];
    expect(killed.weights.map((w) => w.name)).toEqual(clean.weights.map((w) => w.name));
    expect(killed.weights.length).toBeGreaterThan(4);
    killed.weights.forEach((w, i) => expect(Array.from(w.data), w.name).toEqual(Array.from(clean.weights[i].data)));
  }, 420_000);
});

describe('jobs in their own processes', () => {
  it('keeps /health answering while a job trains (latency printed), and a job whose process dies fails saying so', async () => {
    const root = tempRoot();
    const { post, call, queue } = await companion({ queueOptions: { isolate: { uploadsRoot: join(root, 'uploads') } } }, root);
    // 32 px at full width: on the CPU each step takes long enough to have stalled the API when it trained in-process.
    const heavy = { ...spec32(6), name: 'heavy' };
    expect((await post('/jobs', { id: 'heavy', spec: heavy })).status).toBe(201);
    while ((await queue.events('heavy', -1)).every((e) => e.event.type !== 'step')) await new Promise((r) => setTimeout(r, 50));
    const latencies: number[] = [];
    while ((await queue.get('heavy'))?.status === 'active' && latencies.length < 60) {
      const started = performance.now();
      expect((await call('/health')).status).toBe(200);
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
    console.log(`/health while a job trains in its own process: ${latencies.length} checks, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
    expect(latencies.length).toBeGreaterThan(5);
    expect(Number(at(0.5))).toBeLessThan(100);
    await queue.idle();
    expect(await queue.get('heavy')).toMatchObject({ status: 'completed' });

    // A process killed from outside (the OOM killer's way): the attempt fails and says how.
    expect((await post('/jobs', { id: 'doomed', spec: spec32(50) })).status).toBe(201);
    while ((await queue.events('doomed', -1)).every((e) => e.event.type !== 'step')) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(execFileSync('pgrep', ['-f', '-n', 'jobProcessMain']).toString().trim());
    process.kill(pid, 'SIGKILL');
    await queue.idle();
    expect(await queue.get('doomed')).toMatchObject({ status: 'failed', message: "the job's process was killed (SIGKILL: out of memory?) before the job ended" });
  }, 180_000);
});

function spec32(epochs: number) {
  const s = tinyRunSpec(epochs, { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 30 });
  return { ...s, data: { ...s.data, imageSize: 32 }, model: { ...s.model, inputSize: 32, width: 1 }, training: { ...s.training, batchSize: 16 } };
}
