import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelConvention, parseRunSpec } from '../src/core/spec/runSpec.ts';
import { modelFromCheckpoint } from '../src/core/train/modelFromCheckpoint.ts';
import { Rng } from '../src/core/util/rng.ts';
import { RunDirectory } from '../src/node/runDirectory.ts';
import { runCli } from './runCli.ts';

// Two run directories made by `studio train` at commit 0c05fea, before the zoo took
// PyTorch's padding and batch-norm conventions (test/fixtures/legacy-runs/expected.json
// records what `studio eval` and the model's logits were then). Their specs say version 1,
// so they keep the keras convention and must evaluate to exactly the numbers they had.
const ROOT = 'test/fixtures/legacy-runs';
const expected = JSON.parse(readFileSync(`${ROOT}/expected.json`, 'utf8')) as Record<string, { eval: { loss: number; acc: number; samples: number }; logits: number[] }>;

describe.each(['resnet18', 'efficientnetB0'])('a %s run made before spec version 2', (name) => {
  const dir = `${ROOT}/${name}`;

  it('keeps the keras convention and gives the logits it gave', async () => {
    const run = new RunDirectory(dir);
    const spec = parseRunSpec(await run.readSpec());
    expect(spec.version).toBe(1);
    expect(spec.model.convention).toBeUndefined();
    expect(modelConvention(spec)).toBe('keras');
    const model = modelFromCheckpoint(spec, await run.readCheckpoint('final'));
    const rng = new Rng(123);
    const input = Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => rng.next() * 2 - 1);
    const logits = tf.tidy(() => (model.predict(tf.tensor4d(input, [2, 32, 32, 3])) as tf.Tensor).dataSync());
    model.dispose();
    expect(Array.from(logits)).toHaveLength(expected[name].logits.length);
    logits.forEach((v, i) => expect(v).toBeCloseTo(expected[name].logits[i], 6));
  });

  it('`studio eval` prints the numbers it printed then', async () => {
    const r = await runCli(['eval', dir, '--data', `${ROOT}/data`]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { samples: number; metrics: { loss: number; acc: number } };
    expect(out.samples).toBe(expected[name].eval.samples);
    expect(out.metrics.acc).toBe(expected[name].eval.acc);
    expect(out.metrics.loss).toBeCloseTo(expected[name].eval.loss, 6);
  }, 60_000);
});
