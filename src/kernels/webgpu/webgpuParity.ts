import * as tf from '@tensorflow/tfjs-core';
import { relativeError } from '../../core/util/relativeError.ts';
import { stockThenFast } from '../stockThenFast.ts';
import { fastWebgpuKernels } from './fastWebgpuKernels.ts';
import type { ParityCase } from './webgpuParityCases.ts';

/** Uniform in [-1, 1), the same on every host for the same seed. */
function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** The inputs of a case (seeded) and the call of its kernel on the registered implementation. */
function prepare(c: ParityCase): { inputs: tf.Tensor[]; run: () => tf.Tensor } {
  const depthwise = c.kernel === 'DepthwiseConv2dNativeBackpropFilter';
  const probe = depthwise
    ? tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad as 'same' | 'valid')
    : tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad);
  const dy = seeded(probe.shape, 2);
  probe.dispose();
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  if (c.kernel === 'Conv2DBackpropInput') {
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
