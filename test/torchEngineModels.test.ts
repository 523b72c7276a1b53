import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, isBackboneLayer } from '../src/core/models/buildModel.ts';
import { exportTorchWeights } from '../src/core/pretrained/exportTorchWeights.ts';
import { importStudioTorchWeights } from '../src/core/pretrained/importStudioTorchWeights.ts';
import { readSafetensors, writeSafetensors } from '../src/core/pretrained/safetensors.ts';
import { studioTorchTensors } from '../src/core/pretrained/studioTorchTensors.ts';
import type { Architecture, HeadSpec, TaskSpec } from '../src/core/spec/runSpec.ts';
import { relativeError } from '../src/core/util/relativeError.ts';

// The torch engine's models are the zoo's: each model is built in tfjs (seeded, then its
// batch-norm statistics moved off 0/1 so eval mode is not an identity), exported with
// exportTorchWeights, loaded strictly into python/studio_torch/models.py's build_model
// (test/reference/torch_engine_models.py), and run on the same input. Eval-mode outputs agree
// within 1e-4 relative (max |Δ| / max(1, max |reference|)), and one training-mode pass moves
// every batch norm's running statistics as tfjs' does (a frozen block's not at all). The
// backbone and the frozen parameters are the same tensors on both sides, and PyTorch's own
// state_dict imports back (importStudioTorchWeights) to the same outputs.

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
  { architecture: 'mobilenetV3Small', width: 0.5, size: 32, channels: 1 },
  { architecture: 'efficientnetB0', width: 0.25, size: 32 },
  { architecture: 'vgg16', width: 0.125, size: 32 },
  { architecture: 'iresnet18Lite', width: 0.5, size: 24 },
  { architecture: 'mlp', width: 0.1, size: 12 },
  { architecture: 'smallCnn', width: 0.3, size: 15, channels: 1 },
];

const TASKS: { name: string; task: TaskSpec; head: HeadSpec; frozenLayers?: number }[] = [
  { name: 'classification', task: { kind: 'classification' }, head: NO_HIDDEN },
  { name: 'classification, hidden + batch norm, 2 blocks frozen', task: { kind: 'classification' }, head: HIDDEN_BN, frozenLayers: 2 },
  { name: 'embedding', task: { kind: 'embedding' }, head: HIDDEN_LEAKY },
  { name: 'detection', task: { kind: 'detection', confidenceThreshold: 0.9 }, head: NO_HIDDEN },
];

const CASES = ARCHITECTURES.flatMap((a) => TASKS.map((t) => ({ ...a, ...t })));

function runSpecOf(c: (typeof CASES)[number]) {
  return {
    version: 2,
    data: { channels: c.channels ?? 3 },
    model: { architecture: c.architecture, width: c.width, inputSize: c.size, head: c.head, embeddingSize: 8, frozenLayers: c.frozenLayers ?? 0 },
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
function torchRun(spec: object, numClasses: number, weights?: Uint8Array, input?: Float32Array): string {
  const job = JSON.stringify(weights ? { spec, numClasses } : spec);
  const key = createHash('sha256')
    .update(job)
    .update(weights ?? new Uint8Array())
    .update(new Uint8Array(input?.buffer ?? new ArrayBuffer(0)))
    .update(readFileSync(SCRIPT))
    .update(readFileSync('python/studio_torch/models.py'))
    .digest('hex')
    .slice(0, 24);
  const dir = join(tmpdir(), 'studio-torch-engine-models', key);
  if (!existsSync(join(dir, weights ? 'train.safetensors' : 'shapes.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.json'), job);
    if (weights) writeFileSync(join(dir, 'weights.safetensors'), weights);
    if (input) writeFileSync(join(dir, 'input.bin'), new Uint8Array(input.buffer));
    try {
      execFileSync(PYTHON, [SCRIPT, '--dir', dir, ...(weights ? [] : ['--shapes'])], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
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
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { outputs: number[][]; backbone: string[]; trainable: string[] };

      // backbone_parameter_names and freeze agree with buildModel's backbone and frozen blocks.
      const params = studioTorchTensors(model, c.architecture).filter((t) => !/running_(mean|var)$/.test(t.name));
      const layerOf = new Map(model.layers.flatMap((l) => l.weights.map((w) => [w.originalName, l.name] as const)));
      const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
      expect(new Set(result.backbone)).toEqual(new Set(params.filter((t) => isBackboneLayer(model, layerOf.get(t.variable.originalName)!)).map((t) => t.name)));
      expect(new Set(result.trainable)).toEqual(new Set(params.filter((t) => trainable.has(t.variable.originalName)).map((t) => t.name)));

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

      // And back: PyTorch's own state_dict (its I64 batch counters too) loads whole into another seed's model.
      const back = buildModel({ model: runSpecOf(c).model, channels, task: c.task, numClasses: CLASSES, seed: 9, convention: 'torchvision' });
      try {
        importStudioTorchWeights(back, readSafetensors(readFileSync(join(dir, 'state.safetensors'))), c.architecture);
        const again = back.predict(x);
        const list = Array.isArray(again) ? again : [again];
        expect(relativeError(Float32Array.from(list.flatMap((o) => Array.from(o.dataSync()))), expected)).toBeLessThan(TOLERANCE);
        tf.dispose(list);
      } finally {
        back.dispose();
      }

      tf.tidy(() => {
        model.apply(x, { training: true });
      });
      const after = readSafetensors(readFileSync(join(dir, 'train.safetensors')));
      const before = new Map(exported.map((t) => [t.name, t.data]));
      const stats = studioTorchTensors(model, c.architecture).filter((t) => /running_(mean|var)$/.test(t.name));
      expect(new Set(stats.map((t) => t.name))).toEqual(new Set(after.tensors.keys()));
      let moved = 0;
      let free = 0;
      for (const t of stats) {
        const want = after.tensors.get(t.name)!.data!;
        expect(relativeError(t.toTorch(t.variable.read().dataSync() as Float32Array), want), t.name).toBeLessThan(TOLERANCE);
        const frozen = !model.getLayer(layerOf.get(t.variable.originalName)!).trainable;
        // A frozen block's batch norm keeps its statistics on both sides.
        if (frozen) expect(want, t.name).toEqual(before.get(t.name));
        else free++;
        if (!frozen && relativeError(before.get(t.name)!, want) > 1e-3) moved++;
      }
      // VGG-16 and the MLP without a batch-normed head have no batch norm to move.
      if (free > 0) expect(moved).toBeGreaterThan(free / 2);
      x.dispose();
    } finally {
      model.dispose();
    }
  }, 120_000);
});

describe('every architecture the torch engine builds', () => {
  const torchArchitectures: Architecture[] = ['resnet34', 'resnet50', 'iresnet18', 'iresnet34', 'iresnet50', 'iresnet34Lite', 'iresnet50Lite'];
  // Widths whose rounding differs between the families' rules (round vs. multiples of 8, halves, > 1).
  const widths: { architecture: Architecture; width: number }[] = (
    ['resnet18', 'mobilenetV2', 'mobilenetV3Small', 'efficientnetB0', 'iresnet18Lite', 'mlp', 'smallCnn', 'vgg16'] as Architecture[]
  ).flatMap((architecture) => [0.3, 0.7, 1.3].map((width) => ({ architecture, width: architecture === 'vgg16' ? width / 4 : width })));
  const refused = [
    { spec: { version: 2, data: { channels: 3 }, model: { architecture: 'faceRecognitionNet', width: 1, inputSize: 150, head: NO_HIDDEN, frozenLayers: 0 }, task: { kind: 'embedding' } }, fields: ['model.architecture'] },
    { spec: { version: 2, data: { channels: 3 }, model: { architecture: 'faceExpressionNet', width: 1, inputSize: 112, head: NO_HIDDEN, frozenLayers: 0 }, task: { kind: 'classification' } }, fields: ['model.architecture'] },
    { spec: { version: 1, data: { channels: 3 }, model: { architecture: 'resnet18', width: 1, inputSize: 32, head: NO_HIDDEN, frozenLayers: 0 }, task: { kind: 'classification' } }, fields: ['model.convention'] },
    { spec: { version: 1, data: { channels: 3 }, model: { architecture: 'resnet18', width: 1, inputSize: 32, head: NO_HIDDEN, frozenLayers: 3, convention: 'torchvision' }, task: { kind: 'classification' } }, fields: ['model.frozenLayers'] },
    { spec: { version: 2, data: { channels: 3 }, model: { architecture: 'vgg16', width: 1, inputSize: 16, head: NO_HIDDEN, frozenLayers: 0 }, task: { kind: 'classification' } }, fields: ['model.inputSize'] },
  ];

  it('has the export’s tensors, name for name and shape for shape; refuses what it cannot build, naming the field', () => {
    // embeddingSize left out: IResNet's default 512 on both sides.
    const cases = [...torchArchitectures.map((architecture) => ({ architecture, width: 0.25 })), ...widths].map(({ architecture, width }) => {
      const spec = runSpecOf({ architecture, width, size: 32, ...TASKS[0] });
      return { ...spec, model: { ...spec.model, embeddingSize: undefined } };
    });
    const jobs = [...cases.map((spec) => ({ spec, numClasses: CLASSES })), ...refused.map((r) => ({ spec: r.spec, numClasses: CLASSES }))];
    const answers = JSON.parse(readFileSync(join(torchRun(jobs, CLASSES), 'shapes.json'), 'utf8')) as { unsupported: [string, string][]; shapes: Record<string, number[]> }[];
    cases.forEach((spec, i) => {
      const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: CLASSES, seed: 1, convention: 'torchvision' });
      try {
        expect(answers[i].unsupported).toEqual([]);
        expect(answers[i].shapes, `${spec.model.architecture} at width ${spec.model.width}`).toEqual(Object.fromEntries(studioTorchTensors(model, spec.model.architecture).map((t) => [t.name, t.shape])));
      } finally {
        model.dispose();
      }
    });
    refused.forEach((r, i) => expect(answers[cases.length + i].unsupported.map(([field]) => field)).toEqual(r.fields));
  }, 120_000);
});
