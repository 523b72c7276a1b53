import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { createEngineHost, type EngineHost } from './engineHost.ts';
import type { ComputeSelection } from './selectComputeBackend.ts';
import type { FromEngine, MemoryEstimate } from './protocol.ts';
import { storeRun, tinyRunSpec } from './testing/runFixtures.ts';

let dbCount = 0;
const opened: StudioStorage[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.db.close()));

const cpu: ComputeSelection = {
  backend: 'cpu',
  adapter: 'cpu',
  limits: { maxBufferSize: 4096, maxStorageBufferBindingSize: 1024 },
  passedOver: ['WebGPU: a software renderer (google swiftshader), slower than the CPU kernels'],
};

async function setup(): Promise<{ host: EngineHost; posted: FromEngine[]; storage: StudioStorage; locks: string[] }> {
  const storage = await openStudioStorage(`engine-host-test-${++dbCount}`);
  opened.push(storage);
  const posted: FromEngine[] = [];
  const locks: string[] = [];
  const host = createEngineHost({
    storage: async () => storage,
    decoder: () => Promise.reject(new Error('these tests store no images')),
    selectBackend: async (compute) => {
      if (compute === 'webgpu') throw new Error('no backend could start (WebGPU: not available here)');
      return cpu;
    },
    lockRun: async (runId, work) => {
      locks.push(runId);
      await work();
    },
    post: (m) => posted.push(m),
  });
  await host.handle({ type: 'init', compute: 'auto' });
  return { host, posted, storage, locks };
}

const ofType = <T extends FromEngine['type']>(posted: FromEngine[], type: T) => posted.filter((m): m is Extract<FromEngine, { type: T }> => m.type === type);

describe('createEngineHost', () => {
  it('says which backend it runs on, and why when none starts', async () => {
    const { host, posted } = await setup();
    expect(posted[0]).toEqual({ type: 'ready', backend: 'cpu', adapter: 'cpu', limits: cpu.limits, passedOver: cpu.passedOver });
    await host.handle({ type: 'init', compute: 'webgpu' });
    expect(posted.at(-1)).toEqual({ type: 'error', message: 'no backend could start (WebGPU: not available here)' });
  });

  it('trains one run at a time, under the run lock, and answers a second train with the run in progress', async () => {
    const { host, posted, storage, locks } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'first');
    await storeRun(storage.runs, tinyRunSpec(1), 'second');

    const first = host.handle({ type: 'train', runId: 'first' });
    await host.handle({ type: 'train', runId: 'second' });
    expect(ofType(posted, 'error')).toEqual([
      { type: 'error', runId: 'second', message: 'run second was not started: run first is training, and one run trains at a time' },
    ]);
    await first;

    expect(locks).toEqual(['first']);
    expect((await storage.runs.get('first'))?.status).toBe('completed');
    expect((await storage.runs.get('second'))?.status).toBe('queued');
    // Once the first has ended the engine is free again.
    await host.handle({ type: 'train', runId: 'second' });
    expect((await storage.runs.get('second'))?.status).toBe('completed');
  });

  it('changes the backend on a later init, but not while a run trains', async () => {
    const { host, posted, storage } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    const run = host.handle({ type: 'train', runId: 'r' });
    await host.handle({ type: 'init', compute: 'cpu' });
    expect(ofType(posted, 'computeRefused')).toEqual([{ type: 'computeRefused', reason: 'run r is training' }]);
    expect(ofType(posted, 'error')).toEqual([]);
    await run;
    expect((await storage.runs.get('r'))?.status).toBe('completed');
    await host.handle({ type: 'init', compute: 'cpu' });
    expect(ofType(posted, 'ready')).toHaveLength(2);
  });

  it('routes stop to the run in progress, and says when there is no such run', async () => {
    const { host, posted, storage } = await setup();
    await storeRun(storage.runs, tinyRunSpec(3), 'r');
    const done = host.handle({ type: 'train', runId: 'r' });
    await host.handle({ type: 'pause', runId: 'other' });
    expect(posted.at(-1)).toEqual({ type: 'error', runId: 'other', message: 'run other is not training in this engine, so there is nothing to pause' });
    await new Promise<void>((resolve) => {
      const poll = () => (ofType(posted, 'event').length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    await host.handle({ type: 'stop', runId: 'r' });
    await done;
    expect(await storage.runs.get('r')).toMatchObject({ status: 'stopped', message: 'stopped by the user' });
  });

  it('keeps a stop that comes before the run has opened, and ends the run before it trains', async () => {
    const { host, posted, storage } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    const done = host.handle({ type: 'train', runId: 'r' });
    await host.handle({ type: 'stop', runId: 'r' });
    await done;
    expect(await storage.runs.get('r')).toMatchObject({ status: 'stopped', message: 'stopped by the user before training began', epochsDone: 0 });
    expect(ofType(posted, 'event')).toEqual([]);
  });

  it('fails a run whose dataset does not exist, saying which', async () => {
    const { host, posted, storage } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1, { kind: 'indexeddb', datasetId: 'gone' }), 'orphan');
    await host.handle({ type: 'train', runId: 'orphan' });
    const record = await storage.runs.get('orphan');
    expect(record?.status).toBe('failed');
    expect(record?.message).toBe('there is no dataset with id "gone"; it may have been deleted');
    expect(ofType(posted, 'runStatus').at(-1)).toEqual({ type: 'runStatus', runId: 'orphan', status: 'failed', message: record?.message });
    expect(ofType(posted, 'error').at(-1)).toEqual({ type: 'error', runId: 'orphan', message: record?.message });
  });

  it('refuses data sources the browser cannot read, naming the ones it can', async () => {
    const { host, storage } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1, { kind: 'folder', path: 'data/shapes' }), 'folder');
    await host.handle({ type: 'train', runId: 'folder' });
    expect((await storage.runs.get('folder'))?.message).toMatch(/data\.source "folder" cannot be read in the browser.*"indexeddb".*"synthetic"/);
  });

  it('estimates training memory from the spec, with the class count of its data and the device limit', async () => {
    const { host, posted } = await setup();
    const spec = (classes: number, batchSize: number): RunSpecInput => {
      const s = tinyRunSpec(1, { kind: 'synthetic', generator: 'shapes', classes, perClass: 2 });
      return { ...s, model: { architecture: 'mlp', inputSize: 8, width: 0.25, head: { hidden: [16] } }, training: { ...s.training, batchSize } } as RunSpecInput;
    };
    const before = tf.memory().numTensors;
    await host.handle({ type: 'estimate', requestId: 'a', spec: spec(3, 8) });
    await host.handle({ type: 'estimate', requestId: 'b', spec: spec(5, 8) });
    await host.handle({ type: 'estimate', requestId: 'c', spec: spec(3, 16) });
    expect(tf.memory().numTensors).toBe(before);
    const [a, b, c] = ofType(posted, 'estimateResult').map((m): MemoryEstimate => m.estimate);
    expect(ofType(posted, 'estimateResult').map((m) => m.requestId)).toEqual(['a', 'b', 'c']);
    // Two more classes add two logits, each with 16 weights from the hidden layer and a bias.
    expect(b.params - a.params).toBe(2 * (16 + 1));
    expect(c.activationBytes).toBe(2 * a.activationBytes);
    expect(c.optimizerBytes).toBe(a.optimizerBytes);
    expect(a.deviceLimitBytes).toBe(1024);
    expect(a.totalBytes).toBe(a.optimizerBytes + a.activationBytes);
  });

  it("counts a margin head's class centres, which live outside the model, in the estimate", async () => {
    const { host, posted } = await setup();
    const spec = (identities: number): RunSpecInput => {
      const base = tinyRunSpec(1, { kind: 'synthetic', generator: 'faces', classes: identities, perClass: 2 });
      return { ...base, model: { architecture: 'mlp', inputSize: 8, width: 0.25, embeddingSize: 8 }, task: { kind: 'embedding' }, loss: { type: 'arcface' } } as RunSpecInput;
    };
    await host.handle({ type: 'estimate', requestId: 'six', spec: spec(6) });
    await host.handle({ type: 'estimate', requestId: 'ten', spec: spec(10) });
    const [six, ten] = ofType(posted, 'estimateResult').map((m) => m.estimate);
    // The embedding model does not depend on the identity count; ArcFace keeps one 8-wide centre per identity.
    expect(ten.params - six.params).toBe(4 * 8);
  });

  it('answers a failed request with an error carrying its requestId', async () => {
    const { host, posted } = await setup();
    await host.handle({ type: 'estimate', requestId: 'bad', spec: { version: 1 } as RunSpecInput });
    const error = ofType(posted, 'error').at(-1);
    expect(error?.requestId).toBe('bad');
    expect(error?.message).toMatch(/^the memory estimate failed: /);
  });

  it('runs the LR finder on the spec\'s data and leaves no tensors behind', async () => {
    const { host, posted } = await setup();
    const before = tf.memory().numTensors;
    await host.handle({ type: 'lrFind', requestId: 'lr', spec: tinyRunSpec(1), options: { steps: 6, startLr: 1e-4, endLr: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    const [reply] = ofType(posted, 'lrFindResult');
    expect(reply.requestId).toBe('lr');
    expect(reply.result.lrs).toHaveLength(reply.result.losses.length);
    expect(reply.result.lrs[0]).toBeCloseTo(1e-4, 12);
    expect(reply.result.suggestedLr).toBeGreaterThanOrEqual(1e-4);
  });
});
