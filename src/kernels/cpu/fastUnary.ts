import { Relu, Relu6, Sigmoid } from '@tensorflow/tfjs-core';
import { float32Values, type FastKernel } from './fastKernel.ts';

type UnaryOp = 'relu' | 'relu6' | 'sigmoid';

/**
 * `out[i] = op(x[i])`, stock's formula for each op in float64 rounded to float32, so the same
 * bits. Stock runs every unary op through one loop calling the op's closure per value, a call
 * V8 cannot inline once many ops share it (MobileNetV2's relu6 and EfficientNet-B0's sigmoid
 * were 6–12% of a step); here each op has its own loop.
 */
function unaryLoop(op: UnaryOp, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  switch (op) {
    case 'relu':
      for (let i = 0; i < x.length; i++) out[i] = Math.max(0, x[i]);
      break;
    case 'relu6':
      for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(0, x[i]), 6);
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
