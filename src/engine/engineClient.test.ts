import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { EngineClient, type EnginePort } from './engineClient.ts';
import type { FromEngine, MemoryEstimate, ToEngine } from './protocol.ts';

const spec = { version: 1 } as RunSpecInput;
const estimate: MemoryEstimate = { params: 1, weightBytes: 4, optimizerBytes: 12, activationBytes: 8, totalBytes: 20, macs: 3, flops: 6 };
const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

/** A client on one end of a real MessageChannel (structured clone, asynchronous delivery); the test plays the engine on the other. */
function connect() {
  const channel = new MessageChannel();
  channels.push(channel);
  const engine: MessagePort = channel.port2;
  const received: ToEngine[] = [];
  const waiting: ((m: ToEngine) => void)[] = [];
  engine.on('message', (m: ToEngine) => (waiting.shift() ?? ((x: ToEngine) => received.push(x)))(m));
  const next = (): Promise<ToEngine> => (received.length > 0 ? Promise.resolve(received.shift()!) : new Promise((resolve) => waiting.push(resolve)));
  const reply = (m: FromEngine) => engine.postMessage(m);
  const client = new EngineClient(channel.port1 as unknown as EnginePort);
  return { client, next, reply };
}

describe('EngineClient', () => {
  it('sends init and other messages as given', async () => {
    const { client, next } = connect();
    client.init('auto');
    client.send({ type: 'train', runId: 'r' });
    expect(await next()).toEqual({ type: 'init', compute: 'auto' });
    expect(await next()).toEqual({ type: 'train', runId: 'r' });
  });

  it('matches replies to requests by requestId, whatever order they come in', async () => {
    const { client, next, reply } = connect();
    const lr = client.lrFind(spec, 'ds1', { steps: 5 });
    const est = client.estimate(spec);
    const lrRequest = await next();
    const estRequest = await next();
    expect(lrRequest).toMatchObject({ type: 'lrFind', spec, datasetId: 'ds1', options: { steps: 5 } });
    expect(estRequest).toMatchObject({ type: 'estimate', spec });
    const lrId = (lrRequest as { requestId: string }).requestId;
    const estId = (estRequest as { requestId: string }).requestId;
    expect(lrId).not.toBe(estId);

    const result = { lrs: [0.1], losses: [1], smoothed: [1], suggestedLr: 0.1, stoppedEarly: false };
    reply({ type: 'estimateResult', requestId: estId, estimate });
    reply({ type: 'lrFindResult', requestId: lrId, result });
    expect(await est).toEqual(estimate);
    expect(await lr).toEqual(result);
  });

  it("rejects a request with the engine's message when it answers with an error, leaving others waiting", async () => {
    const { client, next, reply } = connect();
    const failing = client.estimate(spec);
    const other = client.estimate(spec);
    const first = (await next()) as { requestId: string };
    const second = (await next()) as { requestId: string };
    reply({ type: 'error', requestId: first.requestId, message: 'the memory estimate failed: bad spec' });
    await expect(failing).rejects.toThrow('the memory estimate failed: bad spec');
    reply({ type: 'estimateResult', requestId: second.requestId, estimate });
    expect(await other).toEqual(estimate);
  });

  it('tells every subscriber every message until it unsubscribes', async () => {
    const { client, reply } = connect();
    const a: FromEngine[] = [];
    const b: FromEngine[] = [];
    const stopA = client.subscribe((m) => a.push(m));
    client.subscribe((m) => b.push(m));
    const ready: FromEngine = { type: 'ready', backend: 'cpu', adapter: 'cpu' };
    const status: FromEngine = { type: 'runStatus', runId: 'r', status: 'running' };
    reply(ready);
    await new Promise((r) => setTimeout(r, 20));
    stopA();
    reply(status);
    await new Promise((r) => setTimeout(r, 20));
    expect(a).toEqual([ready]);
    expect(b).toEqual([ready, status]);
  });

  it('rejects waiting requests when the engine is terminated', async () => {
    const { client } = connect();
    const pending = client.estimate(spec);
    client.terminate();
    await expect(pending).rejects.toThrow(/terminated before it answered/);
  });
});
