import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageFullError } from '../storage/storageFullError.ts';
import { writeSafetensors } from '../core/pretrained/safetensors.ts';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { draftWithoutWeights, draftWithWeights, startFromSafetensors, type PretrainedStartDeps } from './pretrainedStart.ts';

const opened: StudioStorage[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  opened.splice(0).forEach((s) => s.db.close());
});

const draft = {
  version: 2,
  name: 'shapes',
  data: { source: { kind: 'indexeddb', datasetId: 'd' }, imageSize: 32, channels: 3, normalization: { preset: 'half' } },
  model: { architecture: 'resnet18', width: 0.5, inputSize: 32 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.001 },
  training: { epochs: 1, batchSize: 4 },
} as RunSpecInput;

/** A file with ResNet's signature names (not a whole network: the engine's check is what a test decides here). */
const file = writeSafetensors([
  { name: 'conv1.weight', shape: [64, 3, 7, 7], data: new Float32Array(64 * 3 * 49) },
  { name: 'layer1.0.conv1.weight', shape: [64, 64, 3, 3], data: new Float32Array(64 * 64 * 9) },
]);

async function deps(check: PretrainedStartDeps['check']): Promise<{ deps: PretrainedStartDeps; storage: StudioStorage }> {
  const storage = await openStudioStorage(`pretrained-${crypto.randomUUID()}`);
  opened.push(storage);
  return { deps: { check, weights: async () => storage.weights }, storage };
}

describe('draftWithWeights', () => {
  it('sets what pretrained weights need and says what it changed', () => {
    const { spec, changed } = draftWithWeights(draft, { from: 'safetensors', path: 'r.safetensors', naming: 'torchvision' });
    expect(spec.model.width).toBe(1);
    expect(spec.data.normalization).toEqual({ preset: 'imagenet' });
    expect(changed).toEqual(['width 0.5 → 1 (the weights are for the full-width network)', "preprocessing → ImageNet's mean and std (RGB), as torchvision's weights expect"]);
    expect(draftWithoutWeights(spec).model.initialWeights).toBeUndefined();
    const iresnet = draftWithWeights({ ...draft, model: { ...draft.model, architecture: 'iresnet18', width: 1 } } as RunSpecInput, { from: 'safetensors', path: 'i', naming: 'torchvision' });
    expect(iresnet.spec.data.normalization).toEqual({ preset: 'half' });
    expect(iresnet.changed).toEqual([]);
  });
});

describe('startFromSafetensors', () => {
  it('keeps the file by SHA-256 and names it in the draft once the engine loads it', async () => {
    const { deps: d, storage } = await deps(async () => ({ lines: ['loaded 2 tensors into resnet18 (torchvision names)'] }));
    const start = await startFromSafetensors(draft, file, { name: 'resnet18.safetensors' }, d);
    expect(start.lines).toEqual(['loaded 2 tensors into resnet18 (torchvision names)']);
    expect(start.spec.model.initialWeights).toEqual({ from: 'safetensors', path: 'resnet18.safetensors', naming: 'torchvision', sha256: start.record?.sha256 });
    expect(await storage.weights.list()).toEqual([expect.objectContaining({ name: 'resnet18.safetensors', holds: "torchvision's ResNet with blocks [1, 0, 0, 0] (64 stem channels)" })]);
  });

  it('names a file from timm timm\'s way in the draft, so the importer reads its names', async () => {
    const timmFile = writeSafetensors([
      { name: 'conv_stem.weight', shape: [32, 3, 3, 3], data: new Float32Array(32 * 27) },
      { name: 'blocks.0.0.conv_dw.weight', shape: [32, 1, 3, 3], data: new Float32Array(32 * 9) },
      { name: 'blocks.0.0.conv_pw.weight', shape: [16, 32, 1, 1], data: new Float32Array(16 * 32) },
      { name: 'conv_head.weight', shape: [1280, 320, 1, 1], data: new Float32Array(1280 * 320) },
    ]);
    const checked: RunSpecInput[] = [];
    const { deps: d } = await deps(async (spec) => (checked.push(spec), { lines: [] }));
    const mobile = { ...draft, model: { ...draft.model, architecture: 'mobilenetV2' } } as RunSpecInput;
    const start = await startFromSafetensors(mobile, timmFile, { name: 'model.safetensors', url: 'https://huggingface.co/timm/mobilenetv2_100.ra_in1k/resolve/main/model.safetensors' }, d);
    expect(start.spec.model.initialWeights).toMatchObject({ naming: 'timm' });
    expect(checked[0].model.initialWeights).toMatchObject({ naming: 'timm' });
    expect(start.record?.holds).toBe("timm's MobileNetV2 (stem of 32 channels)");
  });

  it('keeps nothing when the engine refuses the file, or when it is not a safetensors file at all', async () => {
    let checked = 0;
    const { deps: d, storage } = await deps(async () => {
      checked++;
      throw new Error("these weights are not for mobilenetV2 with torchvision's names: it holds torchvision's resnet18");
    });
    await expect(startFromSafetensors(draft, file, { name: 'resnet18.safetensors' }, d)).rejects.toThrow("these weights are not for mobilenetV2");
    await expect(startFromSafetensors(draft, file.subarray(0, 20), { name: 'cut.safetensors' }, d)).rejects.toThrow('“cut.safetensors” is not a safetensors file the studio can read');
    expect(checked).toBe(1);
    expect(await storage.weights.list()).toEqual([]);
  });

  it('says the storage is full when the file does not fit, gives no draft, and keeps what was kept before', async () => {
    const { deps: d, storage } = await deps(async () => ({ lines: ['loaded'] }));
    const before = await storage.weights.put(Uint8Array.of(1, 2, 3), { name: 'old.safetensors' });
    // fake-indexeddb has no quota: the bytes' put fails as a full disk would.
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'weightBytes') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    const failure = startFromSafetensors(draft, file, { name: 'resnet18.safetensors' }, d);
    await expect(failure).rejects.toBeInstanceOf(StorageFullError);
    await expect(failure).rejects.toThrow("The browser's storage is full: keeping the weights “resnet18.safetensors”");
    vi.restoreAllMocks();
    expect(await storage.weights.list()).toEqual([before]);
  });
});
