import * as tf from '@tensorflow/tfjs-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { syntheticSource } from '../core/data/syntheticSource.ts';
import { buildModel } from '../core/models/index.ts';
import { parseRunSpec, type Architecture, type RunSpec } from '../core/spec/runSpec.ts';
import { prepareData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import { fastCpuKernels } from '../kernels/cpu/fastCpuKernels.ts';
import { fastWebgpuKernels } from '../kernels/webgpu/fastWebgpuKernels.ts';
import type { KernelOverrides } from '../kernels/kernelOverrides.ts';
import { initNodeBackend, type BackendInfo, type NodeBackendName } from '../node/backend.ts';
import { backendOption } from './trainCommand.ts';

interface BenchCase {
  architecture: Architecture;
  width: number;
  inputSize: number;
  batchSize: number;
}

interface BenchRow extends BenchCase {
  backend: string;
  samples: number;
  studioSamplesPerSec: number;
  fitSamplesPerSec: number;
  /** studio ÷ model.fit: above 1 the studio's loop is faster. */
  ratio: number;
}

interface KernelRow extends BenchCase {
  backend: string;
  stockTimedSteps: number;
  fastTimedSteps: number;
  stockSamplesPerSec: number;
  fastSamplesPerSec: number;
  /** studio ÷ stock: how many times faster the studio's kernels train (issue 6's targets: 10 on cpu, 3 on a GPU). */
  speedup: number;
}

/** One backend's studio kernels, and how many times the stock steps to time them for. */
interface KernelSwitch {
  kernels: KernelOverrides<never>;
  /** A step that is much faster than stock's is too short to time alone. */
  fastStepFactor: number;
}

const KERNEL_SWITCHES: Record<NodeBackendName, KernelSwitch> = {
  cpu: { kernels: fastCpuKernels, fastStepFactor: 8 },
  webgpu: { kernels: fastWebgpuKernels, fastStepFactor: 2 },
};

// Issue 6's models. Stock tfjs-cpu takes seconds per step on them, so this comparison
// times a few steps rather than epochs of --samples.
const KERNEL_CASES: Record<NodeBackendName, BenchCase[]> = {
  cpu: [
    { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 16 },
    { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 16 },
  ],
  webgpu: [
    { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 32 },
    { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 32 },
    { architecture: 'mobilenetV2', width: 0.35, inputSize: 32, batchSize: 32 },
    { architecture: 'efficientnetB0', width: 0.25, inputSize: 32, batchSize: 32 },
  ],
};
/** On a real GPU (`--gpu`): the sizes, full-width models at 112 px, batch 32 and 64. */
const GPU_KERNEL_CASES: BenchCase[] = (['smallCnn', 'resnet18', 'mobilenetV2', 'efficientnetB0'] as const).flatMap((architecture) =>
  [32, 64].map((batchSize) => ({ architecture, width: 1, inputSize: 112, batchSize })),
);
const KERNEL_STEPS = 3;
const QUICK_KERNEL_STEPS = 1;

// Sized for the pure-JS CPU backend and SwiftShader, which are slow; pass --samples for more.
const QUICK: BenchCase[] = [
  { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 32 },
  { architecture: 'mobilenetV2', width: 0.35, inputSize: 32, batchSize: 32 },
];
const FULL: BenchCase[] = [
  ...QUICK,
  { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 32 },
  { architecture: 'efficientnetB0', width: 0.25, inputSize: 32, batchSize: 32 },
];

function specFor(c: BenchCase, samples: number, epochs: number): RunSpec {
  return parseRunSpec({
    version: 1,
    name: `bench-${c.architecture}`,
    data: {
      source: { kind: 'synthetic', generator: 'shapes', classes: 4, perClass: Math.ceil(samples / 4) },
      imageSize: c.inputSize,
      split: { train: 1, val: 0, test: 0 },
    },
    model: { architecture: c.architecture, width: c.width, inputSize: c.inputSize },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 1e-3 },
    // A long log window: the bench measures the loop, not per-step read-backs.
    training: { epochs, batchSize: c.batchSize, seed: 1, logEverySteps: 1000, checkpoint: { everyEpochs: 0, keepBest: false } },
  });
}

/** The studio's Trainer: one warm-up epoch, then the timed epochs. */
async function timeStudio(c: BenchCase, spec: RunSpec, backend: string): Promise<number> {
  const src = spec.data.source as Extract<RunSpec['data']['source'], { kind: 'synthetic' }>;
  const data = await prepareData(
    syntheticSource({ generator: 'shapes', classes: src.classes, perClass: src.perClass, imageSize: c.inputSize, seed: 1 }),
    spec,
  );
  const durations: number[] = [];
  const trainer = new Trainer({
    spec,
    data,
    backend,
    onEvent: (e) => {
      if (e.type === 'epoch') durations.push(e.durationSec);
    },
  });
  await trainer.fit();
  trainer.dispose();
  const timed = durations.slice(1);
  const seconds = timed.reduce((a, b) => a + b, 0);
  return (timed.length * Math.floor(data.split.train.length / c.batchSize) * c.batchSize) / seconds;
}

/** Stock tfjs: model.fit on the same architecture, batch and number of samples. */
async function timeFit(c: BenchCase, samples: number, epochs: number): Promise<number> {
  const spec = specFor(c, samples, epochs);
  const model = buildModel({ model: spec.model, channels: 3, task: spec.task, numClasses: 4, seed: 1 });
  const n = Math.floor(samples / c.batchSize) * c.batchSize;
  const x = tf.randomUniform([n, c.inputSize, c.inputSize, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4);
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const durations: number[] = [];
  let started = 0;
  await model.fit(x, y, {
    batchSize: c.batchSize,
    epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        started = performance.now();
      },
      onEpochEnd: async () => {
        durations.push((performance.now() - started) / 1000);
      },
    },
  });
  tf.dispose([x, y]);
  model.dispose();
  const timed = durations.slice(1);
  return (timed.length * n) / timed.reduce((a, b) => a + b, 0);
}

/**
 * The studio's Trainer on one backend, once on stock tfjs kernels and once on the studio's,
 * each with one warm-up epoch and one timed epoch of the same number of steps (`steps` for
 * stock, the switch's factor times that for the studio's). The registration found on entry
 * is put back.
 */
async function compareKernels(backend: NodeBackendName, name: string, cases: BenchCase[], steps: number): Promise<KernelRow[]> {
  const { kernels, fastStepFactor } = KERNEL_SWITCHES[backend];
  const wasFast = kernels.registered;
  const fastSteps = steps * fastStepFactor;
  const rows: KernelRow[] = [];
  console.log(`${name}, stock tfjs kernels vs the studio's: studio Trainer, ${steps} (stock) / ${fastSteps} (studio) timed steps after as many warm-up steps`);
  console.log(['model'.padEnd(26), 'batch'.padStart(5), 'stock img/s'.padStart(12), 'studio img/s'.padStart(13), 'speedup'.padStart(8)].join(' '));
  try {
    for (const c of cases) {
      kernels.unregister();
      const stock = await timeStudio(c, specFor(c, c.batchSize * steps, 2), backend);
      kernels.register();
      const fast = await timeStudio(c, specFor(c, c.batchSize * fastSteps, 2), backend);
      const row = { ...c, backend: name, stockTimedSteps: steps, fastTimedSteps: fastSteps, stockSamplesPerSec: stock, fastSamplesPerSec: fast, speedup: fast / stock };
      rows.push(row);
      const label = `${c.architecture} w${c.width} @${c.inputSize}`;
      console.log([label.padEnd(26), String(c.batchSize).padStart(5), stock.toFixed(1).padStart(12), fast.toFixed(1).padStart(13), `${row.speedup.toFixed(2)}×`.padStart(8)].join(' '));
    }
  } finally {
    if (wasFast) kernels.register();
    else kernels.unregister();
  }
  console.log('');
  return rows;
}

/** The backend started, or undefined (said on the console) when it cannot start here. */
async function startBackend(backend: NodeBackendName): Promise<BackendInfo | undefined> {
  try {
    return await initNodeBackend(backend);
  } catch (err) {
    console.log(`${backend}: not available here (${(err as Error).message})`);
    return undefined;
  }
}

export async function benchCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
      quick: { type: 'boolean', default: false },
      gpu: { type: 'boolean', default: false },
      samples: { type: 'string', default: '128' },
      epochs: { type: 'string', default: '3' },
      out: { type: 'string', default: 'bench-results/bench.json' },
    },
  });
  const backends: NodeBackendName[] = !values.backend || values.backend === 'all' ? ['cpu', 'webgpu'] : [backendOption(values.backend)];
  const samples = Number(values.samples);
  const epochs = Number(values.epochs);
  const cases = values.quick ? QUICK : FULL;
  const rows: BenchRow[] = [];
  const kernels: KernelRow[] = [];
  const steps = values.quick ? QUICK_KERNEL_STEPS : KERNEL_STEPS;
  console.log(`${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node}`);
  for (const backend of backends) {
    const info = await startBackend(backend);
    if (!info) continue;
    const kernelCases = backend === 'webgpu' && values.gpu ? GPU_KERNEL_CASES : KERNEL_CASES[backend];
    kernels.push(...(await compareKernels(backend, backend === 'cpu' ? 'cpu' : `webgpu (${info.adapter})`, kernelCases, steps)));
  }
  console.log(`studio Trainer vs model.fit: ${samples} samples, ${epochs - 1} timed epochs after one warm-up`);
  console.log(['backend'.padEnd(22), 'model'.padEnd(26), 'batch'.padStart(5), 'studio img/s'.padStart(13), 'fit img/s'.padStart(10), 'ratio'.padStart(6)].join(' '));
  for (const backend of backends) {
    const info = await startBackend(backend);
    if (!info) continue;
    const name = `${info.backend} (${info.adapter})`;
    for (const c of cases) {
      const label = `${c.architecture} w${c.width} @${c.inputSize}`;
      const spec = specFor(c, samples, epochs);
      const studio = await timeStudio(c, spec, info.backend);
      const fit = await timeFit(c, samples, epochs);
      const row = { ...c, backend: name, samples, studioSamplesPerSec: studio, fitSamplesPerSec: fit, ratio: studio / fit };
      rows.push(row);
      console.log(
        [name.padEnd(22), label.padEnd(26), String(c.batchSize).padStart(5), studio.toFixed(1).padStart(13), fit.toFixed(1).padStart(10), row.ratio.toFixed(2).padStart(6)].join(' '),
      );
    }
  }
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(
    values.out,
    JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus()[0]?.model, cores: cpus().length, node: process.versions.node }, kernels, rows }, null, 2) + '\n',
  );
  console.log(`saved ${values.out}`);
}
