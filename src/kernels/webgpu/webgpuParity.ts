import * as tf from '@tensorflow/tfjs-core';
import { relativeError } from '../../core/util/relativeError.ts';
import { stockThenFast } from '../stockThenFast.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';
import { isMatMulCase, isReduceCase, type ConvParityCase, type MatMulParityCase, type ParityCase, type ReduceParityCase } from './webgpuParityCases.ts';

/** Uniform in [-1, 1), the same on every host for the same seed. */
function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

function prepareReduce(c: ReduceParityCase): { inputs: tf.Tensor[]; run: () => tf.Tensor } {
  const x = seeded(c.x, 1);
  return { inputs: [x], run: () => tf.engine().runKernel(c.kernel, { x }, { axis: c.axes, keepDims: c.keepDims }) as tf.Tensor };
}

function prepareMatMul(c: MatMulParityCase): { inputs: tf.Tensor[]; run: () => tf.Tensor } {
  const a = seeded(c.a, 1);
  const b = seeded(c.b, 2);
  const n = c.transposeB ? c.b[1] : c.b[2];
  const bias = c.bias ? seeded([n], 3) : undefined;
  const attrs = { transposeA: c.transposeA, transposeB: c.transposeB, activation: c.activation ?? 'linear', leakyreluAlpha: 0.2 };
  const inputs: Record<string, tf.Tensor> = bias ? { a, b, bias } : { a, b };
  return { inputs: Object.values(inputs), run: () => tf.engine().runKernel(c.kernel, inputs, attrs) as tf.Tensor };
}

/** The inputs of a case (seeded) and the call of its kernel on the registered implementation. */
function prepare(c: ParityCase): { inputs: tf.Tensor[]; run: () => tf.Tensor } {
  if (isMatMulCase(c)) return prepareMatMul(c);
  return isReduceCase(c) ? prepareReduce(c) : prepareConv(c);
}

function prepareConv(c: ConvParityCase): { inputs: tf.Tensor[]; run: () => tf.Tensor } {
  const depthwise = c.kernel.startsWith('Depthwise');
  const probe = depthwise
    ? tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad as 'same' | 'valid')
    : tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad);
  const dy = seeded(probe.shape, 2);
  probe.dispose();
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  if (c.kernel === 'Conv2D' || c.kernel === 'FusedConv2D') {
    dy.dispose();
    const x = seeded(c.x, 1);
    const filter = seeded(c.filter, 2);
    const bias = c.bias ? seeded([c.filter[3]], 3) : undefined;
    const fused = { ...attrs, activation: c.activation ?? 'linear', leakyreluAlpha: 0.2 };
    const run = () =>
      c.kernel === 'Conv2D'
        ? (tf.engine().runKernel(c.kernel, { x, filter }, attrs) as tf.Tensor)
        : (tf.engine().runKernel(c.kernel, bias ? { x, filter, bias } : { x, filter }, fused) as tf.Tensor);
    return { inputs: bias ? [x, filter, bias] : [x, filter], run };
  }
  if (c.kernel === 'Conv2DBackpropInput' || c.kernel === 'DepthwiseConv2dNativeBackpropInput') {
    const filter = seeded(c.filter, 1);
    return { inputs: [dy, filter], run: () => tf.engine().runKernel(c.kernel, { dy, filter }, { ...attrs, inputShape: c.x }) as tf.Tensor };
  }
  const x = seeded(c.x, 1);
  return { inputs: [dy, x], run: () => tf.engine().runKernel(c.kernel, { x, dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor };
}

/**
 * The relative error between the studio's kernel and stock's on one case, on the active
 * webgpu backend (a real GPU, SwiftShader in Dawn or in Chromium). The registration found
 * on entry is put back; every tensor made is released.
 */
export async function webgpuParityError(c: ParityCase): Promise<number> {
  const { inputs, run } = prepare(c);
  try {
    const [stock, fast] = stockThenFast(fastWebgpuKernels, run);
    try {
      return relativeError(await fast.data(), await stock.data());
    } finally {
      tf.dispose([stock, fast]);
    }
  } finally {
    tf.dispose(inputs);
  }
}
