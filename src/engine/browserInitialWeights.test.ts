import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../core/pretrained/safetensors.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import type { TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { faceApiModelDir, readFaceApiWeights } from '../node/readFaceApiWeights.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { torchReference } from '../../test/torchReference.ts';
import { fetchFaceApiWeights, loadBrowserInitialWeights } from './browserInitialWeights.ts';
import { createEngineHost, type EngineHost } from './engineHost.ts';
import type { FromEngine } from './protocol.ts';
import { storeRun, tinyRunSpec } from './testing/runFixtures.ts';

/** A PyTorch-style file served at /weights/tiny.safetensors, as a weights host would. */
const servedFile = writeSafetensors([{ name: 'fc.weight', shape: [2, 3], data: Float32Array.from([6, 5, 4, 3, 2, 1]) }]);
let weightRequests = 0;

/** face-api's model folder over HTTP, as the built studio serves its assets; `/broken/` answers 404. */
let server: Server;
let base: string;
beforeAll(async () => {
  const dir = faceApiModelDir();
  server = createServer((req, res) => {
    if (req.url === '/weights/tiny.safetensors') {
      weightRequests++;
      res.writeHead(200, { 'content-length': String(servedFile.byteLength) }).end(servedFile);
      return;
    }
    const name = (req.url ?? '').split('/').pop() ?? '';
    if (req.url?.startsWith('/broken/') || !/^face_recognition_model/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const opened: StudioStorage[] = [];
afterEach(() => opened.splice(0).forEach((s) => s.db.close()));

const manifest = 'face_recognition_model-weights_manifest.json';
const shard = 'face_recognition_model.bin';
let served: Map<string, TfjsWeight> | undefined;
const faceApiOverHttp = async () => (served ??= await fetchFaceApiWeights(`${base}/${manifest}`, { [shard]: `${base}/${shard}` }));
/** The engine's face-api reader: this server holds only the face recognition model. */
const faceApiFiles = async (file: string) => {
  if (file !== 'face_recognition_model') throw new Error(`the test server does not serve ${file}`);
  return faceApiOverHttp();
};

describe('fetchFaceApiWeights', () => {
  it("reads face-api's weights over HTTP to the same values as the Node reader reads from disk", async () => {
    const overHttp = await faceApiOverHttp();
    const fromDisk = await readFaceApiWeights();
    expect([...overHttp.keys()]).toEqual([...fromDisk.keys()]);
    const name = 'conv32_down/conv/filters';
    expect(overHttp.get(name)?.shape).toEqual([7, 7, 3, 32]);
    expect(overHttp.get(name)?.data).toEqual(fromDisk.get(name)?.data);
  });

  it('says which file could not be read, and refuses a shard the build does not serve', async () => {
    await expect(fetchFaceApiWeights(`${base}/broken/${manifest}`, { [shard]: `${base}/${shard}` })).rejects.toThrow(`face-api's weights manifest could not be read from ${base}/broken/${manifest}: HTTP 404`);
    await expect(fetchFaceApiWeights(`${base}/${manifest}`, { [shard]: `${base}/broken/${shard}` })).rejects.toThrow(`face-api's weights (${shard}) could not be read`);
    await expect(fetchFaceApiWeights(`${base}/${manifest}`, {})).rejects.toThrow(`names the shard ${shard}, which the studio does not serve`);
  });
});

describe('loadBrowserInitialWeights', () => {
  it('reads a safetensors source by its SHA-256 from the weight cache, and says what to do when it is not there', async () => {
    const storage = await openStudioStorage(`initial-weights-${crypto.randomUUID()}`);
    opened.push(storage);
    const file = writeSafetensors([{ name: 'fc.weight', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]);
    const record = await storage.weights.put(file, { name: 'tiny.safetensors' });
    const loaded = await loadBrowserInitialWeights({ from: 'safetensors', path: 'tiny.safetensors', naming: 'torchvision', sha256: record.sha256 }, storage, 'resnet18');
    expect('safetensors' in loaded && loaded.safetensors.tensors.get('fc.weight')?.data).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));

    const missing = 'a'.repeat(64);
    await expect(loadBrowserInitialWeights({ from: 'safetensors', path: 'gone.safetensors', naming: 'torchvision', sha256: missing }, storage, 'resnet18')).rejects.toThrow(
      'the weights “gone.safetensors” (SHA-256 aaaaaaaaaaaa…) are not kept in this browser',
    );
    await expect(loadBrowserInitialWeights({ from: 'safetensors', path: '/home/me/resnet18.safetensors', naming: 'torchvision' }, storage, 'resnet18')).rejects.toThrow(
      'which a browser cannot open by path: choose it (or its URL) under Initial weights',
    );
    await expect(loadBrowserInitialWeights({ from: 'faceApi' }, { runs: storage.runs }, 'faceRecognitionNet')).rejects.toThrow("face-api's weights are not served to this engine");
  });

  it('downloads a URL the browser no longer keeps, checks it against the hash, keeps it, and reads it offline next time', async () => {
    const storage = await openStudioStorage(`initial-weights-${crypto.randomUUID()}`);
    opened.push(storage);
    const url = `${base}/weights/tiny.safetensors`;
    const sha256 = await sha256Hex(servedFile);
    const source = { from: 'safetensors', path: url, naming: 'torchvision', sha256 } as const;
    const progress: number[] = [];
    const before = weightRequests;
    const loaded = await loadBrowserInitialWeights(source, { runs: storage.runs, weights: storage.weights, onDownload: (p) => progress.push(p.received) }, 'resnet18');
    expect('safetensors' in loaded && loaded.safetensors.tensors.get('fc.weight')?.data).toEqual(Float32Array.from([6, 5, 4, 3, 2, 1]));
    expect(weightRequests - before).toBe(1);
    expect(progress.at(-1)).toBe(servedFile.byteLength);
    expect((await storage.weights.list()).map((r) => [r.sha256, r.url])).toEqual([[sha256, url]]);

    const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const again = await loadBrowserInitialWeights(source, { runs: storage.runs, weights: storage.weights, fetchFn: offline }, 'resnet18');
    expect('safetensors' in again && again.safetensors.tensors.get('fc.weight')?.data).toEqual(Float32Array.from([6, 5, 4, 3, 2, 1]));
  });

  it('refuses a URL whose file is not the one the spec names, keeping nothing', async () => {
    const storage = await openStudioStorage(`initial-weights-${crypto.randomUUID()}`);
    opened.push(storage);
    const url = `${base}/weights/tiny.safetensors`;
    await expect(loadBrowserInitialWeights({ from: 'safetensors', path: url, naming: 'torchvision', sha256: 'b'.repeat(64) }, storage, 'resnet18')).rejects.toThrow(
      `the file at ${url} is not the one the spec names (its SHA-256 is ${(await sha256Hex(servedFile)).slice(0, 12)}…, the spec's bbbbbbbbbbbb…): it changed at its source; nothing was kept`,
    );
    expect(await storage.weights.list()).toEqual([]);
    const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    await expect(loadBrowserInitialWeights({ from: 'safetensors', path: url, naming: 'torchvision', sha256: 'b'.repeat(64) }, { ...storage, fetchFn: offline }, 'resnet18')).rejects.toThrow(
      /could not be reached \(Failed to fetch\); nothing was kept/,
    );
  });
});

/** faceRecognitionNet's classifier on generated shapes at its smallest input, whole backbone frozen, no augmentation. */
const faceSpec = (initialWeights?: RunSpecInput['model']['initialWeights']): RunSpecInput =>
  ({
    version: 2,
    name: 'face-head',
    data: { source: { kind: 'synthetic', generator: 'shapes', classes: 2, perClass: 4 }, imageSize: 104, channels: 3, split: { train: 0.5, val: 0.25, test: 0.25 } },
    model: { architecture: 'faceRecognitionNet', inputSize: 104, frozenLayers: 15, ...(initialWeights ? { initialWeights } : {}) },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.01 },
    training: { epochs: 1, batchSize: 4, seed: 3 },
  }) as RunSpecInput;

async function hostWith(storage: StudioStorage): Promise<{ host: EngineHost; posted: FromEngine[] }> {
  const posted: FromEngine[] = [];
  const host = createEngineHost({
    storage: async () => storage,
    decoder: () => Promise.reject(new Error('these tests store no images')),
    selectBackend: async () => ({ backend: 'cpu', adapter: 'cpu', passedOver: [] }),
    faceApiWeights: faceApiFiles,
    post: (m) => posted.push(m),
  });
  await host.handle({ type: 'init', compute: 'cpu' });
  return { host, posted };
}

describe('the engine with initial weights', () => {
  it("checks a draft's weights against the model it builds: the load report, a foreign file refused in one sentence, nothing stored", async () => {
    const storage = await openStudioStorage(`check-weights-${crypto.randomUUID()}`);
    opened.push(storage);
    const { host, posted } = await hostWith(storage);

    await host.handle({ type: 'checkWeights', requestId: 'face', spec: faceSpec({ from: 'faceApi' }) });
    const face = posted.find((m) => m.type === 'checkWeightsResult' && m.requestId === 'face');
    // 117: every weight face-api's manifest lists (counted from the JSON by Python); the head is the studio's own.
    expect(face).toMatchObject({
      lines: ['loaded 117 tensors into faceRecognitionNet (face-api names)', "left fresh: logits — not part of face-api's face recognition network (the studio's own head)"],
    });

    // A PyTorch-made MobileNetV2 (test/reference/torchvision_parity.py, Debian's python3-torch) against a MobileNetV2 draft ...
    const mobilenet = new Uint8Array(readFileSync(join(torchReference({ arch: 'mobilenetV2', size: 64 }).dir, 'weights.safetensors')));
    const mobileSpec = { ...faceSpec(), model: { architecture: 'mobilenetV2', inputSize: 104, initialWeights: { from: 'safetensors', path: 'mobilenet_v2.safetensors' } } } as RunSpecInput;
    await host.handle({ type: 'checkWeights', requestId: 'mobile', spec: mobileSpec, file: mobilenet });
    const mobile = posted.find((m) => m.type === 'checkWeightsResult' && m.requestId === 'mobile');
    expect(mobile).toMatchObject({
      lines: ['loaded 260 tensors into mobilenetV2 (torchvision names)', "left fresh: logits — new head: the file's classifier.1.weight is [1000, 1280], this model needs [2, 1280]"],
    });
    // ... and against a ResNet-18 draft: refused in one sentence.
    const resnetSpec = { ...mobileSpec, model: { ...mobileSpec.model, architecture: 'resnet18' } } as RunSpecInput;
    await host.handle({ type: 'checkWeights', requestId: 'foreign', spec: resnetSpec, file: mobilenet });
    expect(posted.find((m) => m.type === 'error' && m.requestId === 'foreign')).toMatchObject({
      message: expect.stringMatching(/^checking the initial weights failed: these weights are not for resnet18 with torchvision's names: it holds torchvision's mobilenet_v2/),
    });
    expect(await storage.weights.list()).toEqual([]);
  });

  it("trains a head on face-api's frozen backbone: the run starts from its weights, keeps them, and records what loaded", async () => {
    const storage = await openStudioStorage(`face-run-${crypto.randomUUID()}`);
    opened.push(storage);
    const { host } = await hostWith(storage);
    await storeRun(storage.runs, faceSpec({ from: 'faceApi' }), 'face');
    await host.handle({ type: 'train', runId: 'face' });
    const run = await storage.runs.get('face');
    expect(run?.status).toBe('completed');
    expect(run?.initialWeightsReport?.[0]).toBe('loaded 117 tensors into faceRecognitionNet (face-api names)');
    const stem = (await storage.runs.getCheckpoint('face', 'final'))?.weights.find((w) => w.name === 'stem_conv/kernel');
    // Frozen, so after training it still holds face-api's dequantized filters exactly.
    expect(stem?.data).toEqual((await faceApiOverHttp()).get('conv32_down/conv/filters')?.data);
  });

  it("reports what a run's checkpoint gives a fine-tune: matched by name and shape, a head of another class count left fresh", async () => {
    const storage = await openStudioStorage(`checkpoint-${crypto.randomUUID()}`);
    opened.push(storage);
    const { host, posted } = await hostWith(storage);
    await storeRun(storage.runs, tinyRunSpec(1), 'base');
    await host.handle({ type: 'train', runId: 'base' });
    const fineTune = tinyRunSpec(1, { kind: 'synthetic', generator: 'shapes', classes: 4, perClass: 6 });
    fineTune.model.initialWeights = { from: 'checkpoint', path: 'base' };
    await host.handle({ type: 'checkWeights', requestId: 'ft', spec: fineTune });
    const answer = posted.find((m) => m.type === 'checkWeightsResult' && m.requestId === 'ft');
    expect(answer).toMatchObject({ lines: [expect.stringMatching(/^loaded (\d+) of (\d+) weights from the run's checkpoint/), 'left fresh (no weight of that name and shape in the checkpoint): logits'] });
    const [, loaded, all] = /loaded (\d+) of (\d+)/.exec((answer as { lines: string[] }).lines[0])!;
    // Every weight but the logits' kernel and bias.
    expect(Number(loaded)).toBe(Number(all) - 2);
  });
});
