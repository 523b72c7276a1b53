import { util } from '@tensorflow/tfjs-core';
import type { FusedConv2DAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type FastKernelArgs } from './fastKernel.ts';

type Activation = FusedConv2DAttrs['activation'];

/**
 * Same element-wise formulas as tfjs-backend-cpu's Relu, Relu6 and LeakyRelu kernels, so a
 * fused activation gives the stock kernel's values bit for bit. Prelu, elu and sigmoid
 * are left to the stock kernel.
 */
const ACTIVATIONS: Partial<Record<Activation, (v: number, alpha: number) => number>> = {
  linear: (v) => v,
  relu: (v) => Math.max(0, v),
  relu6: (v) => Math.min(Math.max(0, v), 6),
  leakyrelu: (v, alpha) => (v < 0 ? alpha * v : v),
};

function biasValues(args: FastKernelArgs, channels: number): Float32Array | null | undefined {
  const bias: TensorInfo | undefined = args.inputs.bias;
  if (!bias) return null;
  const size = util.sizeFromShape(bias.shape);
  if (bias.shape.length > 1 || (size !== channels && size !== 1)) return undefined;
  return float32Values(args.backend, bias);
}

/**
 * A fused op's bias + activation (FusedConv2D, _FusedMatMul) applied in place to an output
 * whose innermost axis has `channels` values, as the stock kernels compose them; or undefined
 * where the stock kernel must run (prelu, elu, sigmoid, a bias of another shape).
 */
export function fusedEpilogue(args: FastKernelArgs, attrs: { activation?: Activation; leakyreluAlpha?: number }, channels: number): ((y: Float32Array) => void) | undefined {
  const activation = ACTIVATIONS[attrs.activation ?? 'linear'];
  const bias = biasValues(args, channels);
  if (!activation || bias === undefined || args.inputs.preluActivationWeights) return undefined;
  const alpha = attrs.leakyreluAlpha ?? 0;
  const kind = attrs.activation ?? 'linear';
  return (y) => {
    if (!bias && kind === 'linear') return;
    if (bias && bias.length === channels && y.length % channels === 0) {
      // Row by row with the channel as the inner index: no division per value, and one loop
      // per activation so the JIT inlines its formula (an `i % channels` and a closure call
      // per value made this 6× slower).
      if (kind === 'linear') biasRows(y, bias, channels);
      else if (kind === 'relu') biasReluRows(y, bias, channels);
      else for (let r = 0; r < y.length; r += channels) for (let c = 0; c < channels; c++) y[r + c] = activation(Math.fround(y[r + c] + bias[c]), alpha);
      return;
    }
    for (let i = 0; i < y.length; i++) {
      // Rounded to float32 first, as the stock kernel stores the biased sum before activating it.
      const withBias = bias ? Math.fround(y[i] + bias[bias.length === 1 ? 0 : i % channels]) : y[i];
      y[i] = activation(withBias, alpha);
    }
  };
}

/** `y += bias` over rows of `channels` (storing into a Float32Array rounds as Math.fround does). */
function biasRows(y: Float32Array, bias: Float32Array, channels: number): void {
  for (let r = 0; r < y.length; r += channels) for (let c = 0; c < channels; c++) y[r + c] += bias[c];
}

/** `y = max(0, fround(y + bias))` over rows of `channels`: the relu entry of ACTIVATIONS, inlined. */
function biasReluRows(y: Float32Array, bias: Float32Array, channels: number): void {
  for (let r = 0; r < y.length; r += channels) for (let c = 0; c < channels; c++) y[r + c] = Math.max(0, Math.fround(y[r + c] + bias[c]));
}
