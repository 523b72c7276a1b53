import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/runCli.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { buildModel } from '../core/models/buildModel.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { readWeights } from '../core/train/weightTransfer.ts';
import { RunDirectory } from '../node/runDirectory.ts';

// A run directory holding only a "best" checkpoint whose weights differ from the seed's
// initialization: the export must pick "best" (no "final") and carry its weights.
const SIZE = 8;
let work: string;
let runDir: string;
let model: tfl.LayersModel;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'studio-export-'));
  runDir = join(work, 'run');
  const input = tinyRunSpec(1);
  const spec = parseRunSpec(input);
  model = buildModel({ model: spec.model, channels: spec.data.channels, task: spec.task, numClasses: 3, seed: spec.training.seed, convention: 'torchvision' });
  for (const [i, w] of model.weights.entries()) {
    const t = tf.randomUniform(w.shape as number[], 0.2, 1.2, 'float32', 100 + i);
    w.write(t);
    t.dispose();
  }
  const run = new RunDirectory(runDir);
  await run.init(input);
  await run.writeCheckpoint(
    {
      format: 'studio-checkpoint/1',
      specHash: 'test',
      epoch: 3,
      step: 12,
      rngState: 1,
      weights: await readWeights(model),
      extraWeights: [],
      optimizer: { type: 'adam', iterations: 12, slots: [] },
      classNames: ['circle', 'square', 'triangle'],
      time: 0,
    },
    'best',
  );
});

afterAll(() => {
  model.dispose();
  rmSync(work, { recursive: true, force: true });
});

function studioOutput(x: tf.Tensor4D): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  return y.data<'float32'>().finally(() => y.dispose());
}

describe('studio export', () => {
  it('writes an ONNX file onnxruntime runs to the checkpoint model outputs, with preprocessing.json', async () => {
    const out = join(work, 'onnx');
    const r = await runCli(['export', runDir, '--format', 'onnx', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('exported checkpoint "best" (epoch 3)');
    const pre = JSON.parse(readFileSync(join(out, 'preprocessing.json'), 'utf8')) as { labels: string[]; input: { layout: { onnx: string } } };
    expect(pre.labels).toEqual(['circle', 'square', 'triangle']);
    expect(pre.input.layout.onnx).toBe('NCHW');
    const x = tf.randomUniform([2, SIZE, SIZE, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    const session = await ort.InferenceSession.create(readFileSync(join(out, 'model.onnx')));
    const result = await session.run({ input: new ort.Tensor('float32', await nchw.data<'float32'>(), nchw.shape) });
    const want = await studioOutput(x);
    const got = result.logits.data as Float32Array;
    expect(got).toHaveLength(want.length);
    // Random weights in [0.2, 1.2] make logits of a few units: compared relative to max(1, |value|).
    for (let k = 0; k < want.length; k++) expect(Math.abs(got[k] - want[k]) / Math.max(1, Math.abs(want[k]))).toBeLessThan(1e-4);
    tf.dispose([x, nchw]);
    await session.release();
  }, 60_000);

  it('writes tfjs files that load back and predict exactly as the checkpoint model', async () => {
    const out = join(work, 'tfjs');
    const r = await runCli(['export', runDir, '--format', 'tfjs', '--out', out, '--checkpoint', 'best']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
    const bin = readFileSync(join(out, json.weightsManifest[0].paths[0]));
    const loaded = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }),
    );
    const x = tf.randomUniform([2, SIZE, SIZE, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
    const y = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual(Array.from(await studioOutput(x)));
    tf.dispose([x, y]);
    loaded.dispose();
  }, 60_000);

  it('answers bad arguments with a usage error and a missing checkpoint with an error', async () => {
    const noOut = await runCli(['export', runDir, '--format', 'onnx']);
    expect([noOut.code, noOut.stderr.trim()]).toEqual([2, 'studio export: --out DIR is required: the directory the files are written to']);
    const noRun = await runCli(['export', '--format', 'onnx', '--out', work]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain('give a run directory');
    const badSlot = await runCli(['export', runDir, '--format', 'onnx', '--out', work, '--checkpoint', 'epoch-3']);
    expect([badSlot.code, badSlot.stderr.trim()]).toEqual([2, 'studio export: --checkpoint must be final, best or last, got "epoch-3"']);
    const unknown = await runCli(['export', runDir, '--format', 'onnx', '--out', work, '--opset', '13']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--opset'");
    const missing = await runCli(['export', runDir, '--format', 'onnx', '--out', join(work, 'x'), '--checkpoint', 'final']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no checkpoint "final"');
  }, 60_000);
});
