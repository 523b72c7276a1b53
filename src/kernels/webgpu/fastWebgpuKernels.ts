import { KernelOverrides } from '../kernelOverrides.ts';
import { fastAdamUpdate } from './fastAdamUpdate.ts';
import { fastActivationGrad } from './fastActivationGrad.ts';
import { fastBatchNormGrad, fastMoments, fastMovingAverage } from './fastBatchNorm.ts';
import { fastConv2D, fastFusedConv2D } from './fastConv2D.ts';
import { fastConv2DBackpropFilter, fastConv2DBackpropInput } from './fastConvBackprop.ts';
import { fastDepthwiseConv2DBackpropFilter } from './fastDepthwiseConv2DBackpropFilter.ts';
import { fastDepthwiseConv2DBackpropInput } from './fastDepthwiseConv2DBackpropInput.ts';
import { fastMean, fastSum } from './fastReduce.ts';
import { fastSgdUpdate } from './fastSgdUpdate.ts';
import type { WebgpuKernelArgs } from './webgpuProgram.ts';

/**
 * tfjs-backend-webgpu 4.22's convolution gradients, which run one invocation per output
 * element over the whole batch with no data reuse (issue 6), replaced by tiled WGSL kernels:
 * the regular filter and input gradients as gathered matrix products through workgroup
 * memory, the depthwise filter gradient with per-channel register accumulation; both slice
 * the batch across workgroups when the filter alone is too small to fill the GPU. Results
 * equal stock within float32 summation order. Cases they do not cover (NCHW, dilation > 1)
 * go to stock. Also the fused Adam and SGD-momentum steps (three and two launches per
 * variable instead of thirteen and six to eight) and the batch-norm statistics, gradient and
 * moving average (ten launches per layer and step instead of some 26) and the activations'
 * gradient (one launch), which the core uses
 * when registered. `register()` is idempotent; the webgpu backend must have been imported first.
 * Hosts decide whether to register (the Node hosts skip it when STUDIO_STOCK_KERNELS=1);
 * `unregister()` puts the stock kernels back exactly as they were.
 */
export const fastWebgpuKernels = new KernelOverrides<WebgpuKernelArgs>(
  'webgpu',
  [fastConv2D, fastFusedConv2D, fastConv2DBackpropFilter, fastConv2DBackpropInput, fastSum, fastMean, fastDepthwiseConv2DBackpropFilter, fastDepthwiseConv2DBackpropInput, fastAdamUpdate, fastSgdUpdate, fastMoments, fastBatchNormGrad, fastMovingAverage, fastActivationGrad],
  "import '@tensorflow/tfjs-backend-webgpu' first, where navigator.gpu exists",
);
