import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { torchSpecProblems, type TorchLaunch } from '../node/torchEngine/torchProcess.ts';
import { createCompanionServer } from './companionServer.ts';
import { EmbeddedQueue } from './embeddedQueue.ts';
import type { JobRecord, LoggedEvent } from './jobQueue.ts';
import { openJobSource } from './openJobSource.ts';
import { UploadStore } from './uploadStore.ts';

/**
 * A companion whose jobs train on the PyTorch engine (`--engine torch --nproc 2`): what the
 * engine cannot train is refused before anything is queued, naming the field, and a job it
 * can runs across two DDP processes into the run directory the studio reads.
 */
process.env.STUDIO_PYTHON ??= '/usr/bin/python3';
const TOKEN = 'test-token-0123456789';
const root = mkdtempSync(join(tmpdir(), 'companion-torch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function start() {
  const engine: TorchLaunch = { nproc: 2, maxRestarts: 0 };
  const uploads = new UploadStore(join(root, 'uploads'));
  const queue = new EmbeddedQueue({ root, backend: 'torch', engine, openSource: openJobSource(uploads) });
  await queue.open();
  const server = createCompanionServer({
    queue,
    uploads,
    runDir: (id) => queue.runDir(id),
    token: TOKEN,
    allowedOrigins: [],
    maxBodyBytes: 64 * 1024,
    maxUploadBytes: 256 * 1024,
    backend: { backend: 'torch', adapter: 'PyTorch on 2 CPU processes' },
    engineProblems: (spec) => torchSpecProblems(spec, engine),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
  const post = (path: string, body: unknown) => call(path, { method: 'POST', body: JSON.stringify(body) });
  return { queue, server, call, post };
}

describe('a companion on the PyTorch engine', () => {
  it('refuses what the engine cannot train with 400 naming the field, queues nothing, and trains the rest across two processes', async () => {
    const { queue, server, call, post } = await start();
    try {
      // A global batch two processes cannot split evenly, and the Keras convention PyTorch's layers do not compute.
      const odd = await post('/jobs', { spec: { ...tinyRunSpec(1), training: { epochs: 1, batchSize: 3 } } });
      expect(odd.status).toBe(400);
      const oddBody = (await odd.json()) as { error: string; problems: { path: string; message: string }[] };
      expect(oddBody.error).toContain('cannot train the spec');
      expect(oddBody.problems.map((p) => p.path)).toEqual(['training.batchSize']);
      const keras = await post('/jobs', { spec: { ...tinyRunSpec(1), model: { architecture: 'smallCnn', inputSize: 8, width: 0.25, convention: 'keras' } } });
      expect(keras.status).toBe(400);
      expect(((await keras.json()) as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain('model.convention');
      const face = await post('/jobs', { spec: { ...tinyRunSpec(1), model: { architecture: 'faceExpressionNet', inputSize: 8 } } });
      expect(face.status).toBe(400);
      expect(((await face.json()) as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain('model.architecture');
      expect(await queue.list()).toEqual([]);

      expect((await post('/jobs', { id: 'torch-1', spec: tinyRunSpec(2) })).status).toBe(201);
      await queue.idle();
      const { job, events } = (await (await call('/jobs/torch-1/events')).json()) as { job: JobRecord; events: LoggedEvent[] };
      expect(job).toMatchObject({ status: 'completed' });
      expect(job.summary?.epochsRun).toBe(2);
      expect(Object.keys(job.summary?.test ?? {})).toContain('test_acc');
      const begin = events[0].event;
      expect(begin).toMatchObject({ type: 'trainBegin', worldSize: 2 });
      expect(begin.type === 'trainBegin' && begin.backend).toMatch(/^torch .* 2× cpu$/);
      expect(events.at(-1)?.event).toMatchObject({ type: 'trainEnd', reason: 'completed' });
      // The studio takes the run's checkpoints home from here, in its own format.
      expect((await call('/jobs/torch-1/checkpoints/final')).status).toBe(200);
    } finally {
      server.close();
      await queue.close();
    }
  }, 240_000);
});
