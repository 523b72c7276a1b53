import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPANION_TEST_TOKEN, startCompanion } from '../../test/companionFixtures.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { torchReference } from '../../test/torchReference.ts';
import { openJobWeights } from '../companion/openJobWeights.ts';
import { UploadStore } from '../companion/uploadStore.ts';
import { buildModel } from '../core/models/buildModel.ts';
import { importTorchWeights } from '../core/pretrained/importTorchWeights.ts';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { unpackCheckpoint } from '../core/train/checkpointBundle.ts';
import { CompanionClient } from './companionClient.ts';
import { uploadWeights } from './uploadWeights.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

// The companion never reads a path a client names (issue 23); pretrained weights reach it as
// a content-addressed upload, as datasets do (issue 22), sent by the studio's uploadWeights.
describe('pretrained weights on a companion', () => {
  it('starts a job from pretrained weights uploaded by their SHA-256, and never from a path a client names', async () => {
    const root = mkdtempSync(join(tmpdir(), 'companion-weights-'));
    const uploads = new UploadStore(join(root, 'uploads'));
    const companion = await startCompanion(root, { uploads, maxUploadBytes: 32 << 20, queueOptions: { openWeights: openJobWeights(uploads) } });
    cleanups.push(() => companion.close());
    const { post, call, queue, port } = companion;
    // A PyTorch-made MobileNetV2 (test/reference/torchvision_parity.py, Debian's python3-torch).
    const file = new Uint8Array(readFileSync(join(torchReference({ arch: 'mobilenetV2', size: 64 }).dir, 'weights.safetensors')));
    const sha256 = createHash('sha256').update(file).digest('hex');
    const spec = (initialWeights: unknown) => ({
      ...tinyRunSpec(1, { kind: 'synthetic', generator: 'shapes', classes: 2, perClass: 4 }),
      data: { source: { kind: 'synthetic', generator: 'shapes', classes: 2, perClass: 4 }, imageSize: 32, channels: 3, augmentation: {} },
      // The backbone frozen whole (19 blocks): its weights must come back exactly as the file has them.
      model: { architecture: 'mobilenetV2', inputSize: 32, frozenLayers: 19, initialWeights },
    });
    const refusal = async (body: unknown) => {
      const r = await post('/jobs', body);
      return { status: r.status, text: JSON.stringify(await r.json()) };
    };
    // Paths are refused whatever they name, before anything is queued.
    for (const weights of [{ from: 'safetensors', path: '/etc/passwd' }, { from: 'checkpoint', path: '/root' }, { from: 'tfjs', path: '../../model.json' }]) {
      const r = await refusal({ id: `path-${weights.from}`, spec: spec(weights) });
      expect(r.status, JSON.stringify(weights)).toBe(400);
      expect(r.text).toContain('model.initialWeights');
    }
    // A hash the companion does not hold: 409, saying to upload it.
    const early = await refusal({ id: 'early', spec: spec({ from: 'safetensors', path: 'mobilenet_v2.safetensors', sha256 }) });
    expect(early.status).toBe(409);
    expect(early.text).toContain(`have not been uploaded to this companion; upload them first (PUT /blobs/${sha256})`);
    expect(await queue.get('early')).toBeUndefined();

    // The studio's upload: sent once, then held.
    const client = new CompanionClient(`http://127.0.0.1:${port}`, COMPANION_TEST_TOKEN);
    const parsed = parseRunSpec(spec({ from: 'safetensors', path: '/home/someone/mobilenet_v2.safetensors', sha256 }));
    const kept = { bytes: async (h: string) => (h === sha256 ? file : undefined) };
    expect(await uploadWeights(client, kept, parsed)).toBe('sent');
    expect(await uploadWeights(client, kept, parsed)).toBe('held');

    // The path in the spec is only a label: the weights come from the upload.
    expect((await post('/jobs', { id: 'pretrained', spec: parsed })).status).toBe(201);
    await queue.idle();
    expect(await queue.get('pretrained')).toMatchObject({ status: 'completed' });
    const ckpt = unpackCheckpoint(new Uint8Array(await (await call('/jobs/pretrained/checkpoints/final')).arrayBuffer()));
    const reference = buildModel({ model: parsed.model, channels: 3, task: parsed.task, numClasses: 2, seed: 0, convention: 'torchvision' });
    try {
      const report = importTorchWeights(reference, readSafetensors(file), { architecture: 'mobilenetV2', naming: 'torchvision' });
      const backbone = report.loaded.map((l) => l.weight);
      expect(backbone.length).toBe(260);
      const trained = new Map(ckpt.weights.map((w) => [w.name, w.data]));
      for (const v of reference.weights.filter((w) => backbone.includes(w.originalName))) {
        expect(trained.get(v.originalName), v.originalName).toEqual(v.read().dataSync());
      }
    } finally {
      reference.dispose();
    }
  }, 240_000);

});
