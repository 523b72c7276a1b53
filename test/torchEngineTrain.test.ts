import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../src/core/pretrained/safetensors.ts';
import { parseRunSpec, type RunSpecInput } from '../src/core/spec/runSpec.ts';
import type { TrainEvent } from '../src/core/train/trainEvent.ts';
import { Rng } from '../src/core/util/rng.ts';
import { stableHash } from '../src/core/util/stableHash.ts';

/** Debian's python3-torch (1.13), which `bash .ci/run` installs; the engine runs on it as Node will launch it. */
const PYTHON = '/usr/bin/python3';
const SIZE = 8;
const CHANNELS = 3;
/** mlp at width 1/8: dense1 64, dense2 32 units. */
const WIDTH = 0.125;

interface JobOptions {
  samples?: number;
  train?: number;
  val?: number;
  epochs?: number;
  batchSize?: number;
  spec?: (spec: RunSpecInput) => void;
  /** Overrides the initial weights' tensors (a wrong shape, a missing name). */
  weights?: (tensors: { name: string; shape: number[]; data: Float32Array }[]) => void;
}

/**
 * Test support: a job folder as Node prepares it (docs/torch-engine.md) for an mlp on random
 * 8 × 8 images of two classes, with seeded initial weights in studio-torch names.
 */
function writeJob(options: JobOptions = {}): { dir: string; jobPath: string; runDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-torch-job-'));
  const n = options.samples ?? 24;
  const train = options.train ?? 16;
  const val = options.val ?? 4;
  const input: RunSpecInput = {
    version: 2,
    data: { source: { kind: 'memory' }, imageSize: SIZE, channels: CHANNELS, normalization: { preset: 'half' } },
    model: { architecture: 'mlp', inputSize: SIZE, width: WIDTH },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.01 },
    training: { epochs: options.epochs ?? 3, batchSize: options.batchSize ?? 4, seed: 7 },
  } as RunSpecInput;
  options.spec?.(input);
  const spec = parseRunSpec(input);
  const rng = new Rng(11);
  const pixels = new Uint8Array(n * SIZE * SIZE * CHANNELS).map(() => rng.int(256));
  writeFileSync(join(dir, 'pixels.u8'), pixels);
  const features = SIZE * SIZE * CHANNELS;
  const layer = (name: string, out: number, inp: number) => [
    { name: `${name}.weight`, shape: [out, inp], data: new Float32Array(out * inp).map(() => (rng.next() * 2 - 1) / Math.sqrt(inp)) },
    { name: `${name}.bias`, shape: [out], data: new Float32Array(out) },
  ];
  const tensors = [...layer('dense1', 64, features), ...layer('dense2', 32, 64), ...layer('logits', 2, 32)];
  options.weights?.(tensors);
  writeFileSync(join(dir, 'initial.safetensors'), writeSafetensors(tensors));
  const ids = Array.from({ length: n }, (_, i) => i);
  const runDir = join(dir, 'run');
  const job = {
    format: 'studio-torch-job/1',
    spec,
    specHash: stableHash(spec),
    runDir,
    imageSize: SIZE,
    channels: CHANNELS,
    samples: n,
    classNames: ['a', 'b'],
    labels: ids.map((i) => i % 2),
    boxes: null,
    split: { train: ids.slice(0, train), val: ids.slice(train, train + val), test: ids.slice(train + val) },
    trainIdentityRows: null,
    resume: false,
  };
  const jobPath = join(dir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  return { dir, jobPath, runDir };
}

function setResume(jobPath: string): void {
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as { resume: boolean };
  job.resume = true;
  writeFileSync(jobPath, JSON.stringify(job));
}

function python(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(PYTHON, args, {
    env: { ...process.env, PYTHONPATH: 'python', OMP_NUM_THREADS: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function engine(jobPath: string, env: Record<string, string> = {}) {
  return python(['-m', 'studio_torch', 'train', jobPath], env);
}

/**
 * Two processes under torchrun. `--redirects 1 --tee 1` sidesteps torch 1.13's elastic
 * launcher on Python 3.11, whose default (no redirects) cannot be parsed there (Std.NONE is
 * not iterated); stdout still reaches the console.
 */
function torchrun(jobPath: string) {
  return python(['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '1', '--tee', '1', '-m', 'studio_torch', 'train', jobPath]);
}

function readEvents(runDir: string): TrainEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TrainEvent);
}

function weights(runDir: string, name: string): Map<string, { shape: number[]; data: Float32Array }> {
  const file = readSafetensors(readFileSync(join(runDir, 'checkpoints', `torch-${name}`, 'model.safetensors')));
  return new Map([...file.tensors].map(([key, t]) => [key, { shape: t.shape, data: t.data ?? new Float32Array() }]));
}

function maxDifference(a: ReturnType<typeof weights>, b: ReturnType<typeof weights>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  let worst = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - u[i]))));
  }
  return worst;
}

function refusal(stderr: string): { field: string; reason: string }[] {
  const line = stderr.split('\n').find((l) => l.startsWith('{"refused"'));
  expect(line, stderr).toBeDefined();
  return (JSON.parse(line!) as { refused: { field: string; reason: string }[] }).refused;
}

describe('the PyTorch engine (python -m studio_torch)', () => {
  it('trains an mlp for 3 epochs into events, a summary and checkpoints in the studio schemas', () => {
    const { jobPath, runDir } = writeJob();
    const r = engine(jobPath);
    expect(r.status, r.stderr).toBe(0);
    const events = readEvents(runDir);
    const begin = events[0];
    expect(begin).toMatchObject({ type: 'trainBegin', backend: expect.stringMatching(/^torch \d+\.\d+\S* · cpu$/), epochs: 3, stepsPerEpoch: 4, totalSteps: 12, startEpoch: 0, startStep: 0, trainSamples: 16, valSamples: 4, classNames: ['a', 'b'] });
    if (begin.type !== 'trainBegin') throw new Error('the first event is not trainBegin');
    expect(begin.params).toBe(192 * 64 + 64 + 64 * 32 + 32 + 32 * 2 + 2);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(steps.map((e) => e.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    for (const s of steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.metrics.acc).toBeGreaterThanOrEqual(0);
      expect(s.lr).toBeCloseTo(0.01, 10);
      expect(s.samplesPerSec).toBeGreaterThan(0);
      expect(s.memory.numTensors).toBe(0);
      expect(s.memory.numBytes).toBeGreaterThan(0);
      expect(typeof s.time).toBe('number');
    }
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => [e.epoch, e.step])).toEqual([
      [0, 4],
      [1, 8],
      [2, 12],
    ]);
    for (const e of epochs) expect(Object.keys(e.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    expect(checkpoints.filter((c) => c.kind === 'periodic').map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(checkpoints.at(-1)).toMatchObject({ kind: 'final', epoch: 3, step: 12 });
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'trainEnd', reason: 'completed', epochsRun: 3, step: 12 });
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'completed', specHash: begin.specHash, backend: begin.backend, reason: 'completed', epochsRun: 3, steps: 12, classNames: ['a', 'b'] });
    expect(summary.final).toEqual(epochs.at(-1)!.metrics);
    expect(Object.keys(summary.test as object).sort()).toEqual(['test_acc', 'test_loss']);
    for (const name of ['last', 'best', 'final']) {
      expect(existsSync(join(runDir, 'checkpoints', `torch-${name}`, 'state.json'))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'torch-final', 'meta.json'), 'utf8'))).toEqual({ epoch: 3, step: 12, best: (end as { best: unknown }).best });
    const final = weights(runDir, 'final');
    expect([...final.keys()].sort()).toEqual(['dense1.bias', 'dense1.weight', 'dense2.bias', 'dense2.weight', 'logits.bias', 'logits.weight']);
    expect(final.get('dense1.weight')!.shape).toEqual([64, 192]);
    expect(maxDifference(final, weights(runDir, 'last'))).toBe(0);
  });

  it('trains the same weights on 2 DDP processes as on one with the same global batch', () => {
    const options: JobOptions = { samples: 18, train: 12, val: 6, epochs: 1, spec: (s) => (s.optimizer = { type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01, noDecayOnBiasAndNorm: true }) };
    const one = writeJob(options);
    const two = writeJob(options);
    const r1 = engine(one.jobPath);
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = torchrun(two.jobPath);
    expect(r2.status, r2.stderr).toBe(0);
    const begin = readEvents(two.runDir)[0];
    expect(begin).toMatchObject({ type: 'trainBegin', totalSteps: 3, worldSize: 2 });
    expect(maxDifference(weights(one.runDir, 'final'), weights(two.runDir, 'final'))).toBeLessThan(1e-5);
    const losses = (dir: string) => readEvents(dir).flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    losses(two.runDir).forEach((l, i) => expect(l).toBeCloseTo(losses(one.runDir)[i], 5));
  });

  it('refuses what it cannot run before writing anything, naming the field', () => {
    const odd = writeJob({ batchSize: 3 });
    const check = python(['-m', 'studio_torch', 'check', odd.jobPath, '--world-size=2']);
    expect(check.status).toBe(2);
    expect(refusal(check.stderr).map((p) => p.field)).toEqual(['training.batchSize']);
    const launched = torchrun(odd.jobPath);
    expect(launched.status).not.toBe(0);
    expect(refusal(launched.stderr)[0].reason).toContain('2 processes');
    expect(existsSync(odd.runDir)).toBe(false);

    const keras = writeJob({ spec: (s) => (s.model.convention = 'keras') });
    const spec = (JSON.parse(readFileSync(keras.jobPath, 'utf8')) as { spec: unknown }).spec;
    const fromStdin = python(['-m', 'studio_torch', 'check', '-'], {}, JSON.stringify(spec));
    expect(fromStdin.status).toBe(2);
    expect(refusal(fromStdin.stderr).map((p) => p.field)).toEqual(['model.convention']);
    const r = engine(keras.jobPath);
    expect(r.status).toBe(2);
    expect(refusal(r.stderr).map((p) => p.field)).toEqual(['model.convention']);
    expect(existsSync(keras.runDir)).toBe(false);

    const wrong = writeJob({ weights: (t) => (t[0].shape = [32, 384]) });
    const w = engine(wrong.jobPath);
    expect(w.status).toBe(2);
    const [problem] = refusal(w.stderr);
    expect(problem.field).toBe('initial.safetensors');
    expect(problem.reason).toContain('dense1.weight');
    expect(existsSync(wrong.runDir)).toBe(false);
  });

  it('resumes a stopped run from torch-last to the weights and curve of an uninterrupted one', () => {
    const options: JobOptions = {
      epochs: 4,
      spec: (s) => {
        s.data.augmentation = { flip: { horizontal: true }, mixup: { alpha: 0.4, p: 0.5 } };
        s.model.head = { dropout: 0.2 };
        s.schedule = { type: 'cosine', warmupEpochs: 1 };
      },
    };
    const whole = writeJob(options);
    const parts = writeJob(options);
    expect(engine(whole.jobPath).status).toBe(0);
    const first = engine(parts.jobPath, { STUDIO_TORCH_STOP_AFTER_EPOCHS: '2' });
    expect(first.status, first.stderr).toBe(0);
    expect(readEvents(parts.runDir).at(-1)).toMatchObject({ type: 'trainEnd', reason: 'stopped', epochsRun: 2 });
    setResume(parts.jobPath);
    const second = engine(parts.jobPath);
    expect(second.status, second.stderr).toBe(0);
    expect(maxDifference(weights(whole.runDir, 'final'), weights(parts.runDir, 'final'))).toBeLessThan(1e-6);
    const resumed = readEvents(parts.runDir);
    expect(resumed.filter((e) => e.type === 'trainBegin').map((e) => e.type === 'trainBegin' && [e.startEpoch, e.startStep])).toEqual([
      [0, 0],
      [2, 8],
    ]);
    expect(resumed.filter((e) => e.type === 'trainEnd')).toHaveLength(1);
    const curve = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' || e.type === 'epoch' ? [{ type: e.type, epoch: e.epoch, step: e.step, lr: e.lr }] : []));
    expect(curve(resumed)).toEqual(curve(readEvents(whole.runDir)));
    const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    losses(resumed).forEach((l, i) => expect(l).toBeCloseTo(losses(readEvents(whole.runDir))[i], 6));
    expect(readdirSync(join(parts.runDir, 'checkpoints')).sort()).toEqual(['torch-best', 'torch-final', 'torch-last']);
  });

  it('stops early with the best weights restored, and ends a diverging run with nonFiniteLoss and no checkpoint', () => {
    const early = writeJob({ epochs: 12, spec: (s) => (s.training.earlyStopping = { monitor: 'val_loss', patience: 1 }) });
    expect(engine(early.jobPath).status).toBe(0);
    const events = readEvents(early.runDir);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'trainEnd', reason: 'earlyStopped' });
    if (end?.type !== 'trainEnd') throw new Error('the run did not end');
    expect(end.epochsRun).toBeLessThan(12);
    expect(end.message).toContain(`restored the weights of epoch ${end.best!.epoch + 1}`);
    expect(maxDifference(weights(early.runDir, 'final'), weights(early.runDir, 'best'))).toBe(0);

    const diverging = writeJob({ spec: (s) => (s.optimizer = { type: 'sgd', lr: 1e30 }) });
    expect(engine(diverging.jobPath).status).toBe(0);
    expect(readEvents(diverging.runDir).at(-1)).toMatchObject({ type: 'trainEnd', reason: 'nonFiniteLoss', epochsRun: 0 });
    expect(JSON.parse(readFileSync(join(diverging.runDir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'failed', reason: 'nonFiniteLoss' });
    expect(existsSync(join(diverging.runDir, 'checkpoints'))).toBe(false);
  });

  it('computes the margin heads, box losses and cross-entropy as the reference scripts do', () => {
    const r = python(['test/reference/studio_torch_losses.py']);
    expect(r.status, r.stderr).toBe(0);
    const worst = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(worst).sort()).toEqual(['arcface', 'box_giou', 'box_l1', 'box_seed001', 'cdml', 'ce_indices', 'ce_soft', 'cosface']);
    // Cross-entropy runs in float32 (as training does), the references in float64.
    for (const [name, difference] of Object.entries(worst)) expect(difference, name).toBeLessThan(1e-6);
  });

  it('says in one sentence that the PyTorch it finds is too old, without a traceback', () => {
    const { dir, jobPath } = writeJob();
    // A stand-in torch 1.12 ahead of the real one on the path.
    for (const name of ['torch', 'torchvision']) {
      mkdirSync(join(dir, 'old', name), { recursive: true });
      writeFileSync(join(dir, 'old', name, '__init__.py'), `__version__ = "${name === 'torch' ? '1.12.1' : '0.13.1'}"\n`);
    }
    const r = python(['-m', 'studio_torch', jobPath], { PYTHONPATH: `${join(dir, 'old')}:python` });
    expect(r.status).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs torch >= 1\.13.*has 1\.12\.1/);
  });
});
