import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../core/models/buildModel.ts';
import { readWeights } from '../core/train/weightTransfer.ts';
import { writeSafetensors } from '../core/pretrained/safetensors.ts';
import { loadInitialWeights, readTfjsWeights } from './loadInitialWeights.ts';
import { RunDirectory } from './runDirectory.ts';

describe('readTfjsWeights', () => {
  it('reads back the weights of a model the studio saved', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfjs-weights-'));
    const model = buildModel({
      model: { architecture: 'smallCnn', width: 0.25, inputSize: 16, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0 },
      channels: 3,
      task: { kind: 'classification' },
      numClasses: 3,
      seed: 1,
      convention: 'torchvision',
    });
    const dir = await new RunDirectory(root).saveModel(model);
    const want = await readWeights(model);
    model.dispose();
    const got = await readTfjsWeights(dir);
    expect(got.map((w) => w.name)).toEqual(want.map((w) => w.name));
    got.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(want[i].data)));
  });

  it('refuses a model.json whose shard climbs out of its folder, reading nothing there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfjs-weights-'));
    writeFileSync(join(root, 'secret.bin'), new Uint8Array(16).fill(7));
    const dir = join(root, 'model');
    const saved = await new RunDirectory(root).saveModel(
      buildModel({
        model: { architecture: 'mlp', width: 0.02, inputSize: 2, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0 },
        channels: 1,
        task: { kind: 'classification' },
        numClasses: 2,
        seed: 1,
        convention: 'torchvision',
      }),
    );
    const json = JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0].paths = ['../secret.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(readTfjsWeights(dir)).rejects.toThrow('the weights manifest names the shard "../secret.bin", outside its own folder; refused');
  });
});

describe('loadInitialWeights from a safetensors file', () => {
  it("takes the file a spec's sha256 names, and refuses another one at that path, naming both hashes", async () => {
    const root = mkdtempSync(join(tmpdir(), 'pinned-weights-'));
    const path = join(root, 'fc.safetensors');
    const bytes = writeSafetensors([{ name: 'fc.weight', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]);
    writeFileSync(path, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const model = (w: { sha256?: string }) => ({ architecture: 'resnet18' as const, initialWeights: { from: 'safetensors' as const, path, naming: 'torchvision' as const, ...w } });

    const pinned = await loadInitialWeights(model({ sha256 }));
    expect('safetensors' in pinned && pinned.safetensors.tensors.get('fc.weight')?.data).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));
    // No hash in the spec: whatever file is at the path.
    expect('safetensors' in (await loadInitialWeights(model({})))).toBe(true);

    const other = 'f'.repeat(64);
    await expect(loadInitialWeights(model({ sha256: other }))).rejects.toThrow(`the weights at ${path} hash to ${sha256}, not the spec's sha256 ${other}: another file than the spec names; nothing was trained`);
  });
});
