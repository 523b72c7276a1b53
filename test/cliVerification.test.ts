import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

// Issue 26: there was no way to fix which identities are held out, and the CLI took no pairs
// file. A run holds out two named people; `studio eval` scores their pairs from an LFW-style
// pairs.txt, and by default scores every pair of them.
const work = mkdtempSync(join(tmpdir(), 'studio-verify-'));
const data = join(work, 'faces');
const run = join(work, 'run');

describe('studio eval on held-out identities', () => {
  it('trains with the test people fixed by name, scores all their pairs, and scores a pairs file', async () => {
    expect((await runCli(['make-data', 'faces', data, '--classes', '6', '--per-class', '4', '--size', '16'])).code).toBe(0);
    const spec = {
      version: 2,
      name: 'held-out',
      data: { source: { kind: 'folder', path: data }, imageSize: 16, split: { train: 0.5, val: 0.5, test: 0, by: 'identity', heldOut: { test: ['id_01', 'id_04'] } } },
      model: { architecture: 'mlp', inputSize: 16, embeddingSize: 8, head: { hidden: [16] } },
      task: { kind: 'embedding' },
      loss: { type: 'arcface', scale: 16, margin: 0.2 },
      optimizer: { type: 'adam', lr: 0.003 },
      training: { epochs: 1, batchSize: 4, seed: 3, checkpoint: { monitor: 'val_eer', mode: 'min' } },
    };
    const specFile = join(work, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    // One validating identity cannot form an impostor pair: refused, and the run directory says so.
    const oneVal = join(work, 'one-val.json');
    writeFileSync(oneVal, JSON.stringify({ ...spec, data: { ...spec.data, split: { ...spec.data.split, train: 0.8, val: 0.2 } } }));
    const refused = await runCli(['train', oneVal, '--out', join(work, 'refused')]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(readFileSync(join(work, 'refused', 'summary.json'), 'utf8'))).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('the validation split holds 1 identity'),
      data: { images: 24, skipped: 0 },
    });

    const trained = await runCli(['train', specFile, '--out', run]);
    expect(trained.code, trained.stderr).toBe(0);
    // The margin head has a row per training identity: the 6 people less the 2 held out and the 2 validating.
    const ckpt = JSON.parse(readFileSync(join(run, 'checkpoints', 'final', 'checkpoint.json'), 'utf8')) as { extraWeights: { shape: number[] }[] };
    expect(ckpt.extraWeights[0].shape[1]).toBe(2);

    // Default: every pair of the 8 test images (2 people × 4): 2 · 6 genuine, 16 impostors.
    const all = await runCli(['eval', run, '--metrics', join(work, 'm.json')]);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ split: 'test', samples: 8 });
    const metrics = JSON.parse(readFileSync(join(work, 'm.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(metrics)).toContain('"pairs":28');
    expect(JSON.stringify(metrics)).toContain('"genuine_pairs":12');

    const pairsFile = join(work, 'pairs.txt');
    writeFileSync(pairsFile, ['1 3', 'id_01 1 2', 'id_04 3 4', 'id_01 1 id_04 2', 'id_02 1 2', 'id_04 1 id_01 9'].join('\n'));
    const scored = await runCli(['eval', run, '--pairs', pairsFile]);
    expect(scored.code, scored.stderr).toBe(0);
    const out = JSON.parse(scored.stdout) as { pairs: Record<string, unknown>; metrics: Record<string, number> };
    expect(out.pairs).toEqual({ file: pairsFile, scored: 3, genuine: 2, impostor: 1, skippedLines: 2 });
    expect(Object.keys(out.metrics).sort()).toEqual(['auc', 'eer', 'verification_acc', 'verification_acc_std']);
    expect(scored.stderr).toContain(`${pairsFile}: line 5: no person "id_02" among the 2 identities evaluated`);
    expect(scored.stderr).toContain(`${pairsFile}: line 6: "id_01" has 4 images, so there is no image 9`);
  }, 180_000);
});
