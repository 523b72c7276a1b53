import { KernelOverrides } from '../kernelOverrides.ts';
import { fastAdamUpdate } from './fastAdamUpdate.ts';
import { fastActivation } from './fastActivation.ts';
import { fastActivationGrad } from './fastActivationGrad.ts';
import { fastBatchNormGrad, fastFusedBatchNorm, fastMoments } from './fastBatchNorm.ts';
import { fastConv2D, fastFusedConv2D } from './fastConv2D.ts';
import { fastConv2DBackpropFilter, fastConv2DBackpropInput } from './fastConvBackprop.ts';
import { fastDepthwiseConv2D } from './fastDepthwiseConv2D.ts';
import { fastDepthwiseConv2DBackpropFilter } from './fastDepthwiseConv2DBackpropFilter.ts';
import { fastDepthwiseConv2DBackpropInput } from './fastDepthwiseConv2DBackpropInput.ts';
import { fastBatchMatMul, fastFusedMatMul } from './fastMatMul.ts';
import { fastMean, fastSum } from './fastReduce.ts';
import { fastSgdUpdate } from './fastSgdUpdate.ts';
import type { WebgpuKernelArgs } from './webgpuProgram.ts';

/**
 * The kernels a convnet's training step spends its time in on tfjs-backend-webgpu 4.22,
 * replaced (issue 6): the convolution gradients, which stock runs one invocation per output
 * element over the whole batch with no data reuse, as tiled WGSL kernels (the regular filter
 * and input gradients as gathered matrix products through workgroup memory, the depthwise
 * filter gradient with per-channel register accumulation, the depthwise convolution and its
 * input gradient per four channels); the forward convolution as the same gathered product with the bias and
 * activation applied as it is written; sums and means over neighbouring axes in place
 * (stock transposes them innermost first); small matrix products one invocation per output
 * and slice of k. Where the work is too small to fill a GPU the summed range is sliced
 * across workgroups and the slices added afterwards. Results equal stock within float32
 * summation order; cases the kernels do not cover (NCHW, dilation > 1, prelu fusions, large
 * products, reductions over the innermost axis) go to stock. Batch norm's forward (stock's
 * maps coordinates per input and value) runs four channels per invocation. Also the fused Adam and
 * SGD-momentum steps (three and two launches per variable instead of thirteen and six to
 * eight), the batch-norm statistics, gradient and moving average (ten launches per layer and
 * step instead of some 26), the activations' gradient (one launch) and swish's and the hard
 * activations' forward (one launch instead of two to four), which the core uses
 * when registered. `register()` is idempotent; the webgpu backend must have been imported first.
 * Hosts decide whether to register (the Node hosts skip it when STUDIO_STOCK_KERNELS=1);
 * `unregister()` puts the stock kernels back exactly as they were.
 */
export const fastWebgpuKernels = new KernelOverrides<WebgpuKernelArgs>(
  'webgpu',
  [fastConv2D, fastFusedConv2D, fastConv2DBackpropFilter, fastConv2DBackpropInput, fastSum, fastMean, fastBatchMatMul, fastFusedMatMul, fastDepthwiseConv2D, fastDepthwiseConv2DBackpropFilter, fastDepthwiseConv2DBackpropInput, fastFusedBatchNorm, fastAdamUpdate, fastSgdUpdate, fastMoments, fastBatchNormGrad, fastActivation, fastActivationGrad],
  "import '@tensorflow/tfjs-backend-webgpu' first, where navigator.gpu exists",
);
