import 'fake-indexeddb/auto';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EnginePort } from '../engine/engineClient.ts';
import { createEngineHost } from '../engine/engineHost.ts';
import { selectComputeBackend, type StartBackend } from '../engine/selectComputeBackend.ts';
import type { FromEngine } from '../engine/protocol.ts';
import { storeRun, tinyRunSpec } from '../engine/testing/runFixtures.ts';
import { openStudioStorage } from '../storage/studioStorage.ts';
import { connectEngine, readCompute, useSessionStore } from './sessionStore.ts';

describe('readCompute', () => {
  it('takes ?compute= from the URL over the stored choice, and auto when neither names a backend', () => {
    expect(readCompute('?compute=webgpu', 'cpu')).toBe('webgpu');
    expect(readCompute('?kernels=stock', 'webgl')).toBe('webgl');
    expect(readCompute('', null)).toBe('auto');
    expect(readCompute('?compute=tpu', 'gpu')).toBe('auto');
  });
});

describe('the storage figure of the status strip', () => {
  it('is read again on every page, so it follows what was written since the start (issue 25: "0 bytes" beside 12 MB)', async () => {
    // The browser's estimate: 0 bytes when the studio started, 12 MB once a dataset was written.
    const usage = { now: 0 };
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: usage.now, quota: 10.7e9 }), persisted: async () => false } });
    try {
      await useSessionStore.getState().refreshStorage();
      expect(useSessionStore.getState().storage?.usage).toBe(0);
      usage.now = 12e6;
      useSessionStore.getState().navigate('train');
      await expect.poll(() => useSessionStore.getState().storage?.usage).toBe(12e6);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

const closing: (() => void)[] = [];
afterEach(() => closing.splice(0).forEach((close) => close()));

/**
 * The session connected to a real engine host (real storage, real training on tfjs's cpu,
 * the real backend selection) across a real MessageChannel. This machine has no GPU, so
 * WebGPU and WebGL fail to start as they do in a browser without one; `cpuFails` makes
 * every backend fail.
 */
async function connectToHost() {
  const storage = await openStudioStorage('session-store-test');
  const channel = new MessageChannel();
  const machine = { cpuFails: false };
  const start: StartBackend = async (name) => {
    if (name !== 'cpu' || machine.cpuFails) throw new Error('not available here');
    return { backend: 'cpu', adapter: 'cpu' };
  };
  const host = createEngineHost({
    storage: async () => storage,
    decoder: () => Promise.reject(new Error('these tests store no images')),
    selectBackend: (compute) => selectComputeBackend(compute, start),
    post: (m) => channel.port2.postMessage(m),
  });
  const handled: Promise<void>[] = [];
  channel.port2.on('message', (m) => handled.push(host.handle(m)));
  closing.push(() => (channel.port1.close(), channel.port2.close(), storage.db.close()));
  const engine = connectEngine(channel.port1 as unknown as EnginePort);
  // Subscribed after the session's own listener, so a message seen here has reached the session.
  const received: FromEngine[] = [];
  engine.subscribe((m) => received.push(m));
  /** Waits until the session has received a message of `type` from the engine. */
  const until = async (type: FromEngine['type']) => {
    while (!received.some((m) => m.type === type)) await new Promise((r) => setTimeout(r, 5));
    received.splice(0);
  };
  return { engine, storage, machine, until, handled };
}

describe('the session and its engine', () => {
  it('keeps a backend choice once the engine is ready on it, and drops a refused or failed one, saying why', async () => {
    const { engine, storage, machine, until, handled } = await connectToHost();
    await until('ready');
    const passedOver = ['WebGPU: not available here', 'WebGL: not available here'];
    expect(useSessionStore.getState()).toMatchObject({ backend: 'cpu', compute: 'auto', passedOver, engineError: undefined });

    await storeRun(storage.runs, tinyRunSpec(2), 'r');
    engine.send({ type: 'train', runId: 'r' });
    await until('event');
    useSessionStore.getState().setCompute('webgpu');
    await until('computeRefused');
    expect(useSessionStore.getState().compute).toBe('auto');
    expect(useSessionStore.getState().toasts.at(-1)).toMatchObject({ kind: 'info', message: 'The backend cannot change while run r is training; choose again when it ends.' });

    await Promise.all(handled);
    expect((await storage.runs.get('r'))?.status).toBe('completed');
    // Once the run has ended the choice goes through, and is kept though the engine fell back to the cpu.
    useSessionStore.getState().setCompute('webgpu');
    await until('ready');
    expect(useSessionStore.getState()).toMatchObject({ compute: 'webgpu', backend: 'cpu', passedOver, engineError: undefined });

    machine.cpuFails = true;
    useSessionStore.getState().setCompute('cpu');
    await until('error');
    const failure = 'no backend could start (CPU: not available here; WebGPU: not available here; WebGL: not available here)';
    expect(useSessionStore.getState()).toMatchObject({ compute: 'webgpu', engineError: failure });
    expect(useSessionStore.getState().toasts.at(-1)).toMatchObject({ kind: 'error', message: `The training engine failed: ${failure}` });
  });
});
