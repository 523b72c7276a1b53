import * as tf from '@tensorflow/tfjs-core';
import { relativeError } from '../../core/util/relativeError.ts';
import { stockThenFast } from '../stockThenFast.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';
import { isBatchNormCase, isMatMulCase, isReduceCase, type BatchNormParityCase, type ConvParityCase, type MatMulParityCase, type ParityCase } from './webgpuParityCases.ts';

/** Uniform in [-1, 1), the same on every host for the same seed. */
function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

interface Prepared {
  inputs: tf.Tensor[];
  run: () => tf.Tensor;
}

/** A kernel call on the registered implementation, and its inputs to release afterwards. */
function kernelCall(kernel: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): Prepared {
  return { inputs: Object.values(inputs), run: () => tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor };
}

/** The fused kernels' epilogue attrs: the activation and leakyrelu's slope. */
function fusedAttrs(activation: string | undefined): tf.NamedAttrMap {
  return { activation: activation ?? 'linear', leakyreluAlpha: 0.2 };
}

function prepareMatMul(c: MatMulParityCase): Prepared {
  const n = c.transposeB ? c.b[1] : c.b[2];
  const inputs = { a: seeded(c.a, 1), b: seeded(c.b, 2), ...(c.bias ? { bias: seeded([n], 3) } : {}) };
  return kernelCall(c.kernel, inputs, { transposeA: c.transposeA, transposeB: c.transposeB, ...fusedAttrs(c.activation) });
}

function prepareConv(c: ConvParityCase): Prepared {
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  if (c.kernel === 'Conv2D' || c.kernel === 'FusedConv2D') {
    const inputs = { x: seeded(c.x, 1), filter: seeded(c.filter, 2), ...(c.bias ? { bias: seeded([c.filter[3]], 3) } : {}) };
    return kernelCall(c.kernel, inputs, c.kernel === 'Conv2D' ? attrs : { ...attrs, ...fusedAttrs(c.activation) });
  }
  if (c.kernel === 'DepthwiseConv2dNative') return kernelCall(c.kernel, { x: seeded(c.x, 1), filter: seeded(c.filter, 2) }, attrs);
  const depthwise = c.kernel.startsWith('Depthwise');
  const dyShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.stride, 1, c.pad, undefined, depthwise).outShape;
  const dy = seeded(dyShape, 2);
  if (c.kernel === 'Conv2DBackpropInput' || c.kernel === 'DepthwiseConv2dNativeBackpropInput') {
    return kernelCall(c.kernel, { dy, filter: seeded(c.filter, 1) }, { ...attrs, inputShape: c.x });
  }
  return kernelCall(c.kernel, { x: seeded(c.x, 1), dy }, { ...attrs, filterShape: c.filter });
}

function prepareBatchNorm(c: BatchNormParityCase): Prepared {
  const stats = c.stats ?? [c.x[c.x.length - 1]];
  // A variance in [0, 2): positive, as a batch's is.
  const variance = tf.tidy(() => tf.add(seeded(stats, 3), 1));
  const inputs = { x: seeded(c.x, 1), mean: seeded(stats, 2), variance, ...(c.offset ? { offset: seeded(stats, 4) } : {}), ...(c.scale ? { scale: seeded(stats, 5) } : {}) };
  return kernelCall(c.kernel, inputs, { varianceEpsilon: 1e-3 });
}

/** The inputs of a case (seeded) and the call of its kernel on the registered implementation. */
function prepare(c: ParityCase): Prepared {
  if (isMatMulCase(c)) return prepareMatMul(c);
  if (isBatchNormCase(c)) return prepareBatchNorm(c);
  if (isReduceCase(c)) return kernelCall(c.kernel, { x: seeded(c.x, 1) }, { axis: c.axes, keepDims: c.keepDims });
  return prepareConv(c);
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
