import 'fake-indexeddb/auto';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticSourceForSpec } from '../core/data/syntheticSource.ts';
import { encodeCheckpoint, type Checkpoint } from '../core/train/checkpoint.ts';
import { packCheckpoint } from '../core/train/checkpointBundle.ts';
import { parseRunSpec, type RunSpecInput } from '../core/spec/runSpec.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { createEngineHost, type EngineHost } from './engineHost.ts';
import type { FromEngine, ToEngine } from './protocol.ts';
import { storeRun, tinyRunSpec } from './testing/runFixtures.ts';

let dbCount = 0;
const opened: { storage: StudioStorage; host: EngineHost }[] = [];
afterEach(async () => {
  for (const { storage, host } of opened.splice(0)) {
    await host.handle({ type: 'unloadPredictor' });
    storage.db.close();
  }
});

async function setup() {
  const storage = await openStudioStorage(`model-jobs-test-${++dbCount}`);
  const posted: FromEngine[] = [];
  const host = createEngineHost({
    storage: async () => storage,
    decoder: () => Promise.reject(new Error('these tests store no images')),
    selectBackend: async () => ({ backend: 'cpu', adapter: 'cpu', passedOver: [] }),
    post: (m) => posted.push(m),
    now: () => performance.now(),
  });
  opened.push({ storage, host });
  await host.handle({ type: 'init', compute: 'cpu' });
  /** Sends a request and returns the engine's answer to it (its result or its error). */
  const ask = async (msg: ToEngine & { requestId: string }) => {
    await host.handle(msg);
    const reply = posted.find((m) => 'requestId' in m && m.requestId === msg.requestId);
    if (!reply) throw new Error(`no answer to ${msg.requestId}`);
    return reply;
  };
  return { storage, host, posted, ask };
}

function expectReply<T extends FromEngine['type']>(reply: FromEngine, type: T): Extract<FromEngine, { type: T }> {
  if (reply.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(reply).slice(0, 300)}`);
  return reply as Extract<FromEngine, { type: T }>;
}

describe('model jobs of the engine', () => {
  it('evaluates the final checkpoint on the test split with the accuracy the run itself measured at its end', async () => {
    const { storage, host, ask } = await setup();
    await storeRun(storage.runs, tinyRunSpec(2), 'r');
    await host.handle({ type: 'train', runId: 'r' });
    const record = await storage.runs.get('r');
    expect(record?.status).toBe('completed');

    const { report } = expectReply(await ask({ type: 'evaluate', requestId: 'e1', runId: 'r' }), 'evaluateResult');
    expect(report.meta).toMatchObject({ runId: 'r', task: 'classification', split: 'test', checkpoint: { slot: 'final', epoch: 2 }, backend: 'cpu' });
    if (report.result.kind !== 'classification') throw new Error('expected a classification result');
    expect(report.result.samples).toBe(report.meta.sampleIds.length);
    // The same weights on the same split: the run's own end-of-training test accuracy.
    expect(report.result.topK[0].accuracy).toBeCloseTo(record!.test!['test_acc'], 10);
    expect(report.meta.cost?.params).toBeGreaterThan(0);
    expect(report.meta.cost?.latencyMs).toBeGreaterThan(0);
  });

  it('answers Try-it with the prediction the evaluation made for the same picture', async () => {
    const { storage, host, ask } = await setup();
    const spec = tinyRunSpec(1);
    await storeRun(storage.runs, spec, 'r');
    await host.handle({ type: 'train', runId: 'r' });
    const { report } = expectReply(await ask({ type: 'evaluate', requestId: 'e', runId: 'r' }), 'evaluateResult');
    if (report.result.kind !== 'classification') throw new Error('expected a classification result');
    const info = expectReply(await ask({ type: 'loadPredictor', requestId: 'l', runId: 'r' }), 'predictorReady').info;
    expect(info).toMatchObject({ runId: 'r', slot: 'final', task: 'classification', classNames: report.meta.classNames });

    const parsed = parseRunSpec(spec);
    const src = parsed.data.source;
    if (src.kind !== 'synthetic') throw new Error('expected generated data');
    const source = syntheticSourceForSpec(parsed, src);
    const refs = await source.list();
    for (const position of [0, 1]) {
      const ref = refs.find((r) => r.id === report.meta.sampleIds[position])!;
      const reply = await ask({ type: 'predict', requestId: `p${position}`, image: await source.read(ref) });
      const prediction = expectReply(reply, 'predictResult').prediction;
      if (prediction.kind !== 'classification') throw new Error('expected class probabilities');
      const best = Math.max(...prediction.probs);
      expect(prediction.probs.indexOf(best)).toBe(report.result.predicted[position]);
      expect(best).toBeCloseTo(report.result.confidence[position], 5);
    }
  });

  it("loads Try-it when a second load follows an unload while the first still loads (React StrictMode's double effect)", async () => {
    const { storage, host, posted } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    await host.handle({ type: 'train', runId: 'r' });
    // Mount, unmount, mount again, each message sent before the engine answered the one before.
    const first = host.handle({ type: 'loadPredictor', requestId: 'l1', runId: 'r' });
    const unload = host.handle({ type: 'unloadPredictor' });
    const second = host.handle({ type: 'loadPredictor', requestId: 'l2', runId: 'r' });
    await Promise.all([first, unload, second]);
    const answer = (id: string) => posted.find((m) => 'requestId' in m && m.requestId === id);
    expect(answer('l2')).toMatchObject({ type: 'predictorReady', info: { runId: 'r', task: 'classification' } });
    // The superseded load says so instead of leaving a model loaded that no one asked for.
    expect(answer('l1')).toEqual({ type: 'error', requestId: 'l1', message: 'loading the model for Try it failed: a newer request replaced it before it finished loading' });
    const image = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).fill(128) };
    await host.handle({ type: 'predict', requestId: 'p', image });
    expect(answer('p')).toMatchObject({ type: 'predictResult', prediction: { kind: 'classification' } });

    // An unload that comes while a load is still on its way leaves no model loaded.
    const third = host.handle({ type: 'loadPredictor', requestId: 'l3', runId: 'r' });
    await host.handle({ type: 'unloadPredictor' });
    await third;
    expect(answer('l3')).toMatchObject({ type: 'error' });
    await host.handle({ type: 'predict', requestId: 'q', image });
    expect(answer('q')).toMatchObject({ type: 'error', message: 'the prediction failed: no model is loaded for predictions: open Try it on a run first' });
  });

  it('exports the checkpoint as an ONNX model that onnxruntime runs, with its preprocessing spec', async () => {
    const { storage, host, ask } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    await host.handle({ type: 'train', runId: 'r' });
    const { files } = expectReply(await ask({ type: 'export', requestId: 'x', runId: 'r', format: 'onnx' }), 'exportResult');
    expect(files.map((f) => f.name).sort()).toEqual(['model.onnx', 'preprocessing.json']);
    const preprocessing = JSON.parse(new TextDecoder().decode(files.find((f) => f.name === 'preprocessing.json')!.bytes)) as { labels?: string[] };
    expect(JSON.stringify(preprocessing)).toContain('circle');
    const session = await ort.InferenceSession.create(files.find((f) => f.name === 'model.onnx')!.bytes);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(2 * 3 * 8 * 8).fill(0.5), [2, 3, 8, 8]) });
    expect(out[session.outputNames[0]].dims).toEqual([2, 3]);

    const tfjs = expectReply(await ask({ type: 'export', requestId: 'y', runId: 'r', format: 'tfjs' }), 'exportResult').files;
    expect(tfjs.map((f) => f.name)).toContain('model.json');
  });

  it('verifies an embedding run on pairs of its unseen identities, and enrolls a new person for Try-it', async () => {
    const { storage, host, ask } = await setup();
    const base = tinyRunSpec(1, { kind: 'synthetic', generator: 'faces', classes: 8, perClass: 4 });
    const spec: RunSpecInput = {
      ...base,
      data: { ...base.data, split: { train: 0.5, val: 0.25, test: 0.25, by: 'identity' } },
      model: { architecture: 'smallCnn', inputSize: 8, width: 0.25, embeddingSize: 8 },
      task: { kind: 'embedding' },
      loss: { type: 'arcface' },
    } as RunSpecInput;
    await storeRun(storage.runs, spec, 'emb');
    await host.handle({ type: 'train', runId: 'emb' });
    expect(await storage.runs.get('emb')).toMatchObject({ status: 'completed' });
    const { report } = expectReply(await ask({ type: 'evaluate', requestId: 'e', runId: 'emb' }), 'evaluateResult');
    if (report.result.kind !== 'verification') throw new Error('expected a verification result');
    expect(report.result.pairSource).toBe('generated');
    expect(report.result.pairs.some((p) => p.same === 1) && report.result.pairs.some((p) => p.same === 0)).toBe(true);

    const info = expectReply(await ask({ type: 'loadPredictor', requestId: 'l', runId: 'emb' }), 'predictorReady').info;
    expect(info.enrolled.length).toBeGreaterThanOrEqual(2);
    const parsed = parseRunSpec(spec);
    const src = parsed.data.source;
    if (src.kind !== 'synthetic') throw new Error('expected generated data');
    const source = syntheticSourceForSpec(parsed, src);
    const image = await source.read((await source.list())[0]);
    const enrolled = expectReply(await ask({ type: 'enroll', requestId: 'n', name: 'visitor', image }), 'predictorReady').info;
    expect(enrolled.enrolled).toContain('visitor');
    const prediction = expectReply(await ask({ type: 'predict', requestId: 'p', image }), 'predictResult').prediction;
    if (prediction.kind !== 'embedding') throw new Error('expected an embedding');
    // The enrolled picture itself is its own nearest identity, at similarity 1.
    expect(prediction.nearest[0]).toMatchObject({ name: 'visitor' });
    expect(prediction.nearest[0].similarity).toBeCloseTo(1, 5);
  });

  it('says why when a run has no checkpoint, and refuses an evaluation while a run trains', async () => {
    const { storage, host, ask, posted } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'fresh');
    expect(await ask({ type: 'evaluate', requestId: 'a', runId: 'fresh' })).toEqual({
      type: 'error',
      requestId: 'a',
      message: "the evaluation failed: run 'fresh' has no checkpoint yet: a run saves one at the end of its first epoch",
    });
    expect(await ask({ type: 'export', requestId: 'b', runId: 'gone', format: 'onnx' })).toMatchObject({
      type: 'error',
      message: 'the onnx export failed: there is no run with id "gone"; it may have been deleted',
    });
    await storeRun(storage.runs, tinyRunSpec(2), 'busy');
    const training = host.handle({ type: 'train', runId: 'busy' });
    await host.handle({ type: 'evaluate', requestId: 'c', runId: 'fresh' });
    expect(posted.find((m) => 'requestId' in m && m.requestId === 'c')).toEqual({
      type: 'error',
      requestId: 'c',
      message: 'the evaluation cannot start now: run busy is training; try again when it ends',
    });
    await training;
    expect(await ask({ type: 'predict', requestId: 'd', image: { width: 1, height: 1, channels: 3, data: new Uint8Array(3) } })).toMatchObject({
      type: 'error',
      message: 'the prediction failed: no model is loaded for predictions: open Try it on a run first',
    });
  });

  it("checks an imported checkpoint against the model its spec builds: the run's own loads, one with a reshaped tensor is refused by name", async () => {
    const { storage, host, ask } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    await host.handle({ type: 'train', runId: 'r' });
    const spec = (await storage.runs.get('r'))!.spec;
    const ckpt = (await storage.runs.getCheckpoint('r', 'final'))!;
    const pack = (c: Checkpoint) => {
      const { manifest, data } = encodeCheckpoint(c);
      return packCheckpoint(manifest, new Uint8Array(data));
    };
    expectReply(await ask({ type: 'checkCheckpoint', requestId: 'c1', spec, checkpoint: pack(ckpt) }), 'checkCheckpointResult');

    // Same number of values, another shape: consistent on its own, wrong for this model.
    const [first, ...rest] = ckpt.weights;
    const reshaped = { ...first, shape: [first.data.length] };
    const refused = await ask({ type: 'checkCheckpoint', requestId: 'c2', spec, checkpoint: pack({ ...ckpt, weights: [reshaped, ...rest] }) });
    expect(refused.type).toBe('error');
    expect(refused).toMatchObject({ message: expect.stringMatching(/^checking the imported model failed: .*/) });
    expect(JSON.stringify(refused)).toContain(first.name);
  });

  it('says the dataset is missing when a run imported without its dataset is evaluated', async () => {
    const { storage, host, ask } = await setup();
    await storeRun(storage.runs, tinyRunSpec(1), 'r');
    await host.handle({ type: 'train', runId: 'r' });
    const { spec } = (await storage.runs.get('r'))!;
    // What an import without the dataset leaves: the spec names a dataset this browser never held.
    await storage.runs.update('r', { datasetName: 'digits', spec: { ...spec, data: { ...spec.data, source: { kind: 'indexeddb', datasetId: 'elsewhere' } } } });
    const reply = await ask({ type: 'evaluate', requestId: 'e', runId: 'r' });
    expect(reply).toMatchObject({ type: 'error', message: expect.stringContaining("the dataset run 'r' trained on, 'digits', is not in this browser") });
  });
});
