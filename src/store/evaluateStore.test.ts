import 'fake-indexeddb/auto';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnginePort } from '../engine/engineClient.ts';
import { createEngineHost } from '../engine/engineHost.ts';
import type { ToEngine } from '../engine/protocol.ts';
import { selectComputeBackend } from '../engine/selectComputeBackend.ts';
import { storeRun, tinyRunSpec } from '../engine/testing/runFixtures.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { useEvaluateStore } from './evaluateStore.ts';
import { connectEngine } from './sessionStore.ts';

/**
 * The Evaluate page's store against a real engine host (real storage, real training and
 * evaluation on tfjs's cpu) across a real MessageChannel: what issue 25's finding 9 was
 * about — results that vanished when the page was left — and the Train page's verdict
 * sharing the page's evaluation.
 */
let storage: StudioStorage;
let channel: MessageChannel;
/** Every evaluation the engine was asked for. */
const asked: ToEngine[] = [];

beforeAll(async () => {
  storage = await openStudioStorage('evaluate-store-test');
  channel = new MessageChannel();
  const host = createEngineHost({
    storage: async () => storage,
    decoder: () => Promise.reject(new Error('these tests store no images')),
    selectBackend: (compute) => selectComputeBackend(compute, async () => ({ backend: 'cpu', adapter: 'cpu' })),
    post: (m) => channel.port2.postMessage(m),
  });
  const handled: Promise<void>[] = [];
  channel.port2.on('message', (m: ToEngine) => {
    if (m.type === 'evaluate') asked.push(m);
    handled.push(host.handle(m));
  });
  const engine = connectEngine(channel.port1 as unknown as EnginePort);
  for (const id of ['a', 'b']) {
    await storeRun(storage.runs, tinyRunSpec(1), id);
    engine.send({ type: 'train', runId: id });
    while ((await storage.runs.get(id))?.status !== 'completed') await new Promise((r) => setTimeout(r, 20));
  }
}, 120_000);

afterAll(() => {
  channel.port1.close();
  channel.port2.close();
  storage.db.close();
});

describe('useEvaluateStore', () => {
  it('keeps a run’s results when another run is chosen and it is chosen again, without asking the engine again', async () => {
    const store = useEvaluateStore.getState();
    store.select('a');
    await useEvaluateStore.getState().evaluateIfNew();
    const first = useEvaluateStore.getState();
    expect(first.status).toBe('done');
    expect(first.report?.meta.runId).toBe('a');
    expect(asked).toHaveLength(1);

    useEvaluateStore.getState().select('b');
    expect(useEvaluateStore.getState()).toMatchObject({ status: 'idle', report: undefined });
    useEvaluateStore.getState().select('a');
    expect(useEvaluateStore.getState().status).toBe('done');
    expect(useEvaluateStore.getState().report).toBe(first.report);
    // Opening the page again evaluates nothing new.
    await useEvaluateStore.getState().evaluateIfNew();
    expect(asked).toHaveLength(1);
  });

  it('gives the Train page’s verdict the page’s evaluation, and runs two evaluations one after the other', async () => {
    const shown = useEvaluateStore.getState().report;
    const entry = await useEvaluateStore.getState().ensureEvaluated('a');
    expect(entry?.report).toBe(shown);
    expect(asked).toHaveLength(1);
    // The engine refuses a second evaluation while one runs; the store queues them, so both succeed.
    useEvaluateStore.getState().select('b');
    useEvaluateStore.getState().setSlot('last');
    const before = asked.length;
    const [b] = await Promise.all([useEvaluateStore.getState().ensureEvaluated('b'), useEvaluateStore.getState().evaluate()]);
    expect(asked).toHaveLength(before + 2);
    expect(b?.status).toBe('done');
    expect(b?.error).toBeUndefined();
    expect(b?.report?.meta).toMatchObject({ runId: 'b', checkpoint: { slot: 'final' } });
    expect(useEvaluateStore.getState()).toMatchObject({ status: 'done', error: undefined });
    expect(useEvaluateStore.getState().report?.meta).toMatchObject({ runId: 'b', checkpoint: { slot: 'last' } });
  });

  it('evaluates again on request, and keeps a failure with its reason', async () => {
    const before = asked.length;
    await useEvaluateStore.getState().evaluate();
    expect(asked).toHaveLength(before + 1);
    useEvaluateStore.getState().select('nope');
    await useEvaluateStore.getState().evaluateIfNew();
    expect(useEvaluateStore.getState()).toMatchObject({ status: 'failed', error: expect.stringContaining('there is no run with id "nope"') });
  });
});
