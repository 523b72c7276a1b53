import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../src/core/models/buildModel.ts';
import { exportTorchWeights } from '../src/core/pretrained/exportTorchWeights.ts';
import { readSafetensors, writeSafetensors } from '../src/core/pretrained/safetensors.ts';
import type { Architecture, HeadSpec, TaskSpec } from '../src/core/spec/runSpec.ts';
import { relativeError } from '../src/core/util/relativeError.ts';

// The torch engine's models are the zoo's: each model is built in tfjs (seeded, then its
// batch-norm statistics moved off 0/1 so eval mode is not an identity), exported with
// exportTorchWeights, loaded strictly into python/studio_torch/models.py's build_model
// (test/reference/torch_engine_models.py), and run on the same input. Eval-mode outputs agree
// within 1e-4 relative (max |Δ| / max(1, max |reference|)), and one training-mode pass moves
// every batch norm's running statistics as tfjs' does.

const PYTHON = '/usr/bin/python3';
const SCRIPT = 'test/reference/torch_engine_models.py';
const TOLERANCE = 1e-4;
/** The deepest maps are 1×1 at 32 px: batch statistics over fewer values amplify float rounding past the tolerance. */
const BATCH = 8;
const CLASSES = 4;

const NO_HIDDEN: HeadSpec = { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' };
const HIDDEN_BN: HeadSpec = { hidden: [12, 6], dropout: 0, batchNorm: true, activation: 'gelu' };
const HIDDEN_LEAKY: HeadSpec = { hidden: [10], dropout: 0, batchNorm: true, activation: 'leakyRelu' };

interface Case {
  architecture: Architecture;
  width: number;
  size: number;
  channels?: 1 | 3;
}

const ARCHITECTURES: Case[] = [
  { architecture: 'resnet18', width: 0.25, size: 32 },
  { architecture: 'mobilenetV2', width: 0.35, size: 32 },
  { architecture: 'mobilenetV3Small', width: 0.5, size: 32 },
  { architecture: 'efficientnetB0', width: 0.25, size: 32 },
  { architecture: 'vgg16', width: 0.125, size: 32 },
  { architecture: 'iresnet18Lite', width: 0.5, size: 24 },
  { architecture: 'mlp', width: 0.1, size: 12 },
  { architecture: 'smallCnn', width: 0.3, size: 15, channels: 1 },
];

const TASKS: { name: string; task: TaskSpec; head: HeadSpec }[] = [
  { name: 'classification', task: { kind: 'classification' }, head: NO_HIDDEN },
  { name: 'classification, hidden + batch norm', task: { kind: 'classification' }, head: HIDDEN_BN },
  { name: 'embedding', task: { kind: 'embedding' }, head: HIDDEN_LEAKY },
  { name: 'detection', task: { kind: 'detection', confidenceThreshold: 0.9 }, head: NO_HIDDEN },
];

const CASES = ARCHITECTURES.flatMap((a) => TASKS.map((t) => ({ ...a, ...t })));

function runSpecOf(c: (typeof CASES)[number]) {
  return {
    version: 2,
    data: { channels: c.channels ?? 3 },
    model: { architecture: c.architecture, width: c.width, inputSize: c.size, head: c.head, embeddingSize: 8, frozenLayers: 0 },
    task: c.task,
  };
}

/** Batch-norm statistics away from 0 and 1, so eval mode tests them too. */
function moveStatistics(model: tfl.LayersModel): void {
  model.weights.forEach((w, i) => {
    if (!/moving_(mean|variance)$/.test(w.originalName)) return;
    const variance = w.originalName.endsWith('variance');
    const shape = w.shape as number[];
    const t = tf.tidy(() => (variance ? tf.randomUniform(shape, 0.5, 1.5, 'float32', i) : tf.randomNormal(shape, 0, 0.1, 'float32', i)));
    w.write(t);
    t.dispose();
  });
}

function floats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Runs the Python side once per file content (kept in the temp folder across runs), returning its folder. */
function torchRun(spec: object, numClasses: number, weights: Uint8Array, input: Float32Array): string {
  const job = JSON.stringify({ spec, numClasses });
  const key = createHash('sha256')
    .update(job)
    .update(weights)
    .update(new Uint8Array(input.buffer))
    .update(readFileSync(SCRIPT))
    .update(readFileSync('python/studio_torch/models.py'))
    .digest('hex')
    .slice(0, 24);
  const dir = join(tmpdir(), 'studio-torch-engine-models', key);
  if (!existsSync(join(dir, 'result.json')) || !existsSync(join(dir, 'train.safetensors'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.json'), job);
    writeFileSync(join(dir, 'weights.safetensors'), weights);
    writeFileSync(join(dir, 'input.bin'), new Uint8Array(input.buffer));
    try {
      execFileSync(PYTHON, [SCRIPT, '--dir', dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
      throw new Error(`${SCRIPT} failed (${PYTHON} with Debian's python3-torch and python3-torchvision): ${stderr.trim().split('\n').pop()}`, { cause: err });
    }
  }
  return dir;
}

describe.each(CASES)('$architecture × $name: build_model computes the zoo’s function', (c) => {
  it('loads the exported file strictly, gives the eval outputs and moves the running statistics alike', () => {
    const channels = c.channels ?? 3;
    const model = buildModel({ model: runSpecOf(c).model, channels, task: c.task, numClasses: CLASSES, seed: 3, convention: 'torchvision' });
    try {
      moveStatistics(model);
      const exported = exportTorchWeights(model, c.architecture);
      const x = tf.randomNormal([BATCH, c.size, c.size, channels], 0, 1, 'float32', 11);
      const input = x.dataSync() as Float32Array;
      const dir = torchRun(runSpecOf(c), CLASSES, writeSafetensors(exported), input);
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { outputs: number[][] };

      const predicted = model.predict(x);
      const outs = Array.isArray(predicted) ? predicted : [predicted];
      expect(result.outputs).toEqual(outs.map((o) => o.shape));
      const expected = floats(join(dir, 'eval.bin'));
      let at = 0;
      for (const o of outs) {
        const got = o.dataSync();
        expect(relativeError(got, expected.subarray(at, at + got.length)), `output ${o.shape.join('×')}`).toBeLessThan(TOLERANCE);
        at += got.length;
      }
      // The comparison has teeth: the outputs are not near zero.
      expect(Math.max(...Array.from(expected, Math.abs))).toBeGreaterThan(0.05);
      tf.dispose(outs);

      tf.tidy(() => {
        model.apply(x, { training: true });
      });
      const after = readSafetensors(readFileSync(join(dir, 'train.safetensors')));
      const before = new Map(exported.map((t) => [t.name, t.data]));
      const stats = exportTorchWeights(model, c.architecture).filter((t) => /running_(mean|var)$/.test(t.name));
      expect(new Set(stats.map((t) => t.name))).toEqual(new Set(after.tensors.keys()));
      let moved = 0;
      for (const t of stats) {
        const want = after.tensors.get(t.name)!.data!;
        expect(relativeError(t.data, want), t.name).toBeLessThan(TOLERANCE);
        if (relativeError(before.get(t.name)!, want) > 1e-3) moved++;
      }
      // VGG-16 and the MLP without a batch-normed head have no batch norm to move.
      if (stats.length > 0) expect(moved).toBeGreaterThan(stats.length / 2);
      x.dispose();
    } finally {
      model.dispose();
    }
  }, 120_000);
});
