import { KernelOverrides } from '../kernelOverrides.ts';
import { float32Pool } from './float32Pool.ts';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { fastConv2D, fastFusedConv2D } from './fastConv2D.ts';
import { fastConv2DBackpropFilter } from './fastConv2DBackpropFilter.ts';
import { fastConv2DBackpropInput } from './fastConv2DBackpropInput.ts';
import { fastDepthwiseConv2D, fastDepthwiseConv2DBackpropFilter, fastDepthwiseConv2DBackpropInput } from './fastDepthwiseConv2D.ts';
import { fastAdd, fastMultiply, fastRealDiv, fastSub } from './fastBinary.ts';
import { fastMaxPoolGrad } from './fastMaxPoolGrad.ts';
import { fastMean, fastSum } from './fastReduce.ts';
import { fastTile } from './fastTile.ts';
import { fastPadV2 } from './fastPadV2.ts';
import { fastSlice } from './fastSlice.ts';
import { fastAdamUpdate } from './fastAdamUpdate.ts';
import { fastSgdUpdate } from './fastSgdUpdate.ts';
import { fastBatchNormGrad, fastFusedBatchNorm, fastMoments } from './fastBatchNorm.ts';
import { fastActivation } from './fastActivation.ts';
import { fastActivationGrad } from './fastActivationGrad.ts';
import { fastRelu, fastRelu6, fastSigmoid } from './fastUnary.ts';
import { fastBatchMatMul, fastFusedMatMul } from './fastMatMul.ts';

const KERNELS: FastKernel[] = [
  fastConv2D,
  fastFusedConv2D,
  fastBatchMatMul,
  fastFusedMatMul,
  fastConv2DBackpropInput,
  fastConv2DBackpropFilter,
  fastDepthwiseConv2D,
  fastDepthwiseConv2DBackpropInput,
  fastDepthwiseConv2DBackpropFilter,
  fastAdd,
  fastSub,
  fastMultiply,
  fastRealDiv,
  fastSum,
  fastMean,
  fastTile,
  fastPadV2,
  fastSlice,
  fastMaxPoolGrad,
  fastAdamUpdate,
  fastSgdUpdate,
  fastMoments,
  fastFusedBatchNorm,
  fastBatchNormGrad,
  fastActivation,
  fastActivationGrad,
  fastRelu,
  fastRelu6,
  fastSigmoid,
];

/** Each kernel first points the output pool at the backend it runs on. */
const FAST_KERNELS: FastKernel[] = KERNELS.map((k) => ({
  ...k,
  run(args: FastKernelArgs) {
    float32Pool.use(args.backend);
    return k.run(args);
  },
}));

/**
 * The tfjs-backend-cpu kernels a convnet training step spends its time in, replaced (issue 6):
 * convolutions and their gradients (im2col + blocked GEMM), matrix products (the same GEMM),
 * depthwise convolutions, and the
 * broadcasting arithmetic, reductions, Tile and MaxPoolGrad of batch norm and Adam, padding and strided slices, plus the
 * fused Adam and SGD-momentum steps, batch norm's normalisation, and the batch-norm statistics, gradient and moving average
 * and the activations' forward and gradient the core uses when they are registered, and the
 * relu, relu6 and sigmoid activations. Results
 * equal stock to float32 rounding (the element-wise ones bit for bit); a training step runs
 * tens of times faster. Their outputs reuse the arrays of disposed tensors (`float32Pool`). Each fast kernel hands a case it does not cover back to the stock
 * kernel it replaced. `register()` is idempotent; `@tensorflow/tfjs-backend-cpu` must have
 * been imported first. Hosts decide whether to register (the Node hosts skip it when
 * STUDIO_STOCK_KERNELS=1); `unregister()` puts the stock kernels back exactly as they were.
 */
export const fastCpuKernels = new KernelOverrides<FastKernelArgs>('cpu', FAST_KERNELS, "import '@tensorflow/tfjs-backend-cpu' first", (on) => float32Pool.setEnabled(on));
