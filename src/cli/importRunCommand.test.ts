import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/runCli.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { buildModel } from '../core/models/buildModel.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { readWeights } from '../core/train/weightTransfer.ts';
import { stableHash } from '../core/util/stableHash.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { packRunBundle } from '../storage/runBundle.ts';

// A run file as the Runs page writes it (a synthetic-data run: no dataset to carry), read
// by the CLI into a run directory that `studio export` takes.
let work: string;
let file: string;
let checkpoint: Checkpoint;
const events: TrainEvent[] = [{ type: 'checkpoint', epoch: 1, step: 4, kind: 'final', time: 1 }];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'studio-import-run-'));
  const spec = parseRunSpec(tinyRunSpec(1));
  const model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses: 3, seed: spec.training.seed, convention: 'torchvision' });
  const specHash = stableHash(spec);
  checkpoint = {
    format: 'studio-checkpoint/1', specHash, epoch: 1, step: 4, rngState: 1, weights: await readWeights(model), extraWeights: [],
    optimizer: { type: 'adam', iterations: 4, slots: [] }, classNames: ['circle', 'square', 'triangle'], time: 0,
  };
  model.dispose();
  const run = { id: 'r1', name: 'tiny', tags: [], spec, specHash, architecture: spec.model.architecture, status: 'completed' as const, createdAt: 1, activeSec: 1, epochsDone: 1, step: 4 };
  file = join(work, 'tiny.studio-run');
  writeFileSync(file, packRunBundle({ run, events, checkpoints: [{ slot: 'final', checkpoint }] }));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('studio import-run', () => {
  it('writes the run directory that export reads, and refuses to write over one', async () => {
    const out = join(work, 'run');
    const imported = await runCli(['import-run', file, '--out', out]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("imported run 'tiny'");
    const dir = new RunDirectory(out);
    expect(await dir.readEvents()).toEqual(events);
    expect((await dir.readCheckpoint('final')).weights.map((w) => w.data)).toEqual(checkpoint.weights.map((w) => w.data));

    const exported = await runCli(['export', out, '--format', 'onnx', '--out', join(work, 'onnx')]);
    expect(exported.code).toBe(0);
    expect(existsSync(join(work, 'onnx', 'model.onnx'))).toBe(true);

    const again = await runCli(['import-run', file, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty; give another directory, or --force');
  });

  it('refuses a file that is not a run file, and writes nothing', async () => {
    const bad = join(work, 'notes.studio-run');
    writeFileSync(bad, 'hello');
    const out = join(work, 'never');
    const result = await runCli(['import-run', bad, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('this is not a run file the studio can import: the file is not a zip archive');
    expect(existsSync(out)).toBe(false);
  });
});
