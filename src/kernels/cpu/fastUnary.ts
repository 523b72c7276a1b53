import { Relu, Relu6, Sigmoid } from '@tensorflow/tfjs-core';
import { bitsOf } from '../../core/models/activationGradKernel.ts';
import { float32Values, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';
import { simdElementwisePass } from './simdElementwisePass.ts';

type UnaryOp = 'relu' | 'relu6' | 'sigmoid';

/** relu6's upper bound, as float32 bits. */
const SIX_BITS = bitsOf(Float32Array.of(6))[0]!;

/**
 * `out[i] = op(x[i])`, stock's values for each op (`Math.max(0, x)`, `Math.min(Math.max(0,
 * x), 6)`, `1 / (1 + e⁻ˣ)`; NaN stays NaN, with its payload on relu and relu6). Stock runs
 * every unary op through one loop calling the op's closure per value, a call V8 cannot inline
 * once many ops share it (MobileNetV2's relu6 and EfficientNet-B0's sigmoid were 6–12% of a
 * step); here each op has its own loop. relu and relu6 select x's bits, 0 or 6 by mask
 * rather than branching per value, which activations of random sign mispredict half the time
 * (1.5–1.7× `Math.max` / `Math.min`).
 */
function unaryLoop(op: UnaryOp, x: Float32Array): Float32Array {
  const out = float32Pool.uninitialized(x.length);
  const xBits = bitsOf(x);
  const outBits = bitsOf(out);
  switch (op) {
    case 'relu':
      if (simdElementwisePass('reluF32', [x], out)) break;
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        outBits[i] = xBits[i] & -(+(v > 0) | +(v !== v));
      }
      break;
    case 'relu6':
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        const top = -+(v > 6);
        outBits[i] = (xBits[i] & -(+(v > 0) | +(v !== v)) & ~top) | (SIX_BITS & top);
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
      break;
  }
  return out;
}

function unaryKernel(kernelName: string, op: UnaryOp): FastKernel {
  return {
    kernelName,
    run({ inputs, backend }) {
      const x = inputs.x;
      const values = x && float32Values(backend, x);
      if (!values) return undefined;
      return backend.makeTensorInfo(x.shape, 'float32', unaryLoop(op, values));
    },
  };
}

/** The activations a zoo model's training step runs forward as kernels of their own (not fused into a convolution). */
export const fastRelu = unaryKernel(Relu, 'relu');
export const fastRelu6 = unaryKernel(Relu6, 'relu6');
export const fastSigmoid = unaryKernel(Sigmoid, 'sigmoid');
