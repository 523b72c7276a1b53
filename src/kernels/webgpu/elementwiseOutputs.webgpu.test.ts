import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_KERNELS } from '../../core/models/batchNormKernels.ts';
import { ADAM_UPDATE_KERNEL } from '../../core/optim/adamUpdateKernel.ts';
import { SGD_UPDATE_KERNEL } from '../../core/optim/sgdUpdateKernel.ts';
import { relativeError, seeded } from '../kernelParity.testkit.ts';
import { countDispatches } from './countDispatches.ts';
import { componentsFor, runElementwiseOutputs, type ElementwiseOutputsOp } from './elementwiseProgram.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';
import { hasDispatchInternals } from './recordDispatch.ts';
import type { WebgpuBackendLike } from './webgpuProgram.ts';

// Three outputs of two inputs and a constant; the expected values are computed here in
// float32, the reference being plain arithmetic.
const OP: ElementwiseOutputsOp = {
  key: 'TestOutputs',
  inputs: ['a', 'b'],
  floats: ['k'],
  body: 'let s = a[i] + b[i];',
  results: { sum: 's', scaled: 's * uniforms.k', product: 'a[i] * b[i]' },
  vec4: true,
};

function expected(a: Float32Array, b: Float32Array, k: number): Float32Array[] {
  const f = Math.fround;
  const sum = a.map((v, i) => f(v + b[i]));
  return [sum, sum.map((s) => f(s * f(k))), a.map((v, i) => f(v * b[i]))];
}

const backend = () => tf.backend() as unknown as WebgpuBackendLike;

async function run(size: number, be: WebgpuBackendLike = backend()) {
  const [a, b] = [31, 32].map((seed) => seeded([size], seed));
  const { result, dispatches } = await countDispatches(() => runElementwiseOutputs(be, OP, [a, b], [size], { k: 0.75 }, componentsFor(size)));
  const outputs = result.map((info) => tf.engine().makeTensorFromTensorInfo(info));
  const got = await Promise.all(outputs.map(async (t) => (await t.data()) as Float32Array));
  const want = expected((await a.data()) as Float32Array, (await b.data()) as Float32Array, 0.75);
  tf.dispose([a, b, ...outputs]);
  return { got, want, dispatches };
}

describe('runElementwiseOutputs', () => {
  it('has what it needs of tfjs-backend-webgpu', () => {
    // Without these it falls back to a launch per output: the launch counts below would catch that too.
    expect(hasDispatchInternals(backend())).toBe(true);
  });

  it.each([
    ['one value', 1001],
    ['four values', 1024],
  ])('writes every output in one launch, %s per invocation', async (_, size) => {
    const { got, want, dispatches } = await run(size);
    expect(dispatches).toHaveLength(1);
    got.forEach((values, i) => expect(relativeError(values, want[i]), Object.keys(OP.results)[i]).toBeLessThan(1e-6));
  });

  it.each([
    ['one value', 65535 * 64 + 6],
    ['four values', 4 * 65535 * 64 + 8],
  ])('covers every element of outputs larger than one dispatch, %s per invocation', async (_, size) => {
    const { got, want, dispatches } = await run(size);
    expect(dispatches).toHaveLength(1);
    got.forEach((values, i) => expect(relativeError(values, want[i])).toBeLessThan(1e-6));
  });

  it('holds its inputs as the queued commands’ own, as tfjs’s launches do: disposed before the queue is submitted, they are released after', async () => {
    const [a, b] = [41, 42].map((seed) => seeded([64], seed));
    // Reading submits the queue, so the launch below is queued, not yet submitted.
    const want = expected((await a.data()) as Float32Array, (await b.data()) as Float32Array, 2);
    const bytes = () => (tf.memory() as unknown as { numBytesInGPU: number }).numBytesInGPU;
    const before = bytes();
    const outputs = runElementwiseOutputs(backend(), OP, [a, b], [64], { k: 2 }, 4).map((info) => tf.engine().makeTensorFromTensorInfo(info));
    tf.dispose([a, b]);
    // The inputs' values were on the cpu until the launch uploaded them: three outputs of 256
    // bytes and both inputs' buffers, still held for the queued launch though disposed.
    expect(bytes() - before).toBeGreaterThanOrEqual(3 * 256 + 2 * 256);
    expect(relativeError((await outputs[0].data()) as Float32Array, want[0])).toBeLessThan(1e-6);
    // Submitted: the inputs' buffers (and the launch's uniforms) are free again.
    expect(bytes() - before).toBe(3 * 256);
    tf.dispose(outputs);
  });

  it('is timed by tf.time as any kernel is', async () => {
    const [a, b] = [51, 52].map((seed) => seeded([256], seed));
    let outputs: tf.Tensor[] = [];
    const timing = await tf.time(() => {
      outputs = runElementwiseOutputs(backend(), OP, [a, b], [256], { k: 3 }, 4).map((info) => tf.engine().makeTensorFromTensorInfo(info));
    });
    expect(typeof timing.kernelMs === 'number' || 'error' in (timing.kernelMs as object)).toBe(true);
    const want = expected((await a.data()) as Float32Array, (await b.data()) as Float32Array, 3);
    for (const [i, t] of outputs.entries()) expect(relativeError((await t.data()) as Float32Array, want[i])).toBeLessThan(1e-6);
    tf.dispose([a, b, ...outputs]);
  });

  it('falls back to a launch per output, the same values, on a backend without those internals', async () => {
    const real = backend();
    const bare = {
      runWebGPUProgram: real.runWebGPUProgram.bind(real),
      disposeData: real.disposeData.bind(real),
    };
    expect(hasDispatchInternals(bare)).toBe(false);
    const { got, want, dispatches } = await run(1024, bare);
    expect(dispatches).toHaveLength(3);
    got.forEach((values, i) => expect(relativeError(values, want[i])).toBeLessThan(1e-6));
  });

  it('refuses an op that never reads one of its inputs, naming it', () => {
    const x = tf.zeros([4]);
    expect(() => runElementwiseOutputs(backend(), { key: 'Unread', inputs: ['x', 'y'], results: { a: 'x[i]', b: 'x[i] * 2.0' } }, [x, x], [4])).toThrow(/Unread: inputs never read: y/);
    x.dispose();
  });
});

describe('the fused steps on webgpu', () => {
  it.each([
    [ADAM_UPDATE_KERNEL, { param: 0, grad: 1, m: 2, v: 3 }, { beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, eps: 1e-8, stepSize: 0.01, biasCorrection2Sqrt: 0.5, l2: 0, shrink: 1 }, 3],
    [SGD_UPDATE_KERNEL, { param: 0, grad: 1, buf: 2 }, { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false }, 2],
  ] as const)('%s writes all its outputs in one launch', async (kernel, names, attrs, outputs) => {
    fastWebgpuKernels.register();
    const inputs = Object.fromEntries(Object.entries(names).map(([name, seed]) => [name, seeded([3, 8], seed)]));
    const { result, dispatches } = await countDispatches(() => tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]);
    expect(result).toHaveLength(outputs);
    expect(dispatches).toHaveLength(1);
    await Promise.all(result.map((t) => t.data()));
    tf.dispose([...Object.values(inputs), ...result]);
  });

  it('take two launches for the batch statistics, with or without the moving averages, and three for the batch-norm gradient', async () => {
    fastWebgpuKernels.register();
    const x = seeded([4, 6, 6, 8], 61);
    const moments = await countDispatches(() => tf.engine().runKernel(BATCH_NORM_KERNELS.moments, { x }, {}) as tf.Tensor[]);
    expect(moments.dispatches).toHaveLength(2);
    expect(moments.result).toHaveLength(2);
    const [movingMean, movingVariance] = [seeded([8], 64), seeded([8], 65)];
    const withAverages = await countDispatches(() => tf.engine().runKernel(BATCH_NORM_KERNELS.moments, { x, movingMean, movingVariance }, { momentum: 0.9 }) as tf.Tensor[]);
    expect(withAverages.dispatches).toHaveLength(2);
    expect(withAverages.result).toHaveLength(4);
    tf.dispose([movingMean, movingVariance, ...withAverages.result]);
    const [mean, variance] = moments.result;
    const [dy, gamma] = [seeded([4, 6, 6, 8], 62), seeded([8], 63)];
    const grad = await countDispatches(() => tf.engine().runKernel(BATCH_NORM_KERNELS.grad, { dy, x, mean, variance, gamma }, { epsilon: 1e-3 }) as tf.Tensor[]);
    expect(grad.dispatches).toHaveLength(3);
    await Promise.all(grad.result.map((t) => t.data()));
    tf.dispose([x, dy, gamma, ...moments.result, ...grad.result]);
  });
});
