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
  return (y) => {
    if (!bias && (attrs.activation ?? 'linear') === 'linear') return;
    for (let i = 0; i < y.length; i++) {
      // Rounded to float32 first, as the stock kernel stores the biased sum before activating it.
      const withBias = bias ? Math.fround(y[i] + bias[bias.length === 1 ? 0 : i % channels]) : y[i];
      y[i] = activation(withBias, alpha);
    }
  };
}
