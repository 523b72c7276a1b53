import {
  BATCH_NORM_KERNELS,
  batchNormGradArrays,
  momentsArrays,
  rowsAndChannels,
  movingAverageArrays,
  type BatchNormGradAttrs,
  type MovingAverageAttrs,
} from '../../core/models/batchNormKernels.ts';
import { float32Inputs, type FastKernel } from './fastKernel.ts';

/** Batch statistics per channel in two passes over the activations, instead of tf.moments' four kernels. */
export const fastMoments: FastKernel = {
  kernelName: BATCH_NORM_KERNELS.moments,
  added: true,
  run({ inputs, backend }) {
    const { channels } = rowsAndChannels(inputs.x.shape, BATCH_NORM_KERNELS.moments);
    const [x] = float32Inputs(backend, inputs, ['x'], BATCH_NORM_KERNELS.moments);
    const { mean, variance } = momentsArrays(x, channels);
    return [mean, variance].map((v) => backend.makeTensorInfo([channels], 'float32', v));
  },
};

/** The batch-norm gradient in two passes (channel sums, then dx) instead of thirteen kernels. */
export const fastBatchNormGrad: FastKernel = {
  kernelName: BATCH_NORM_KERNELS.grad,
  added: true,
  run({ inputs, backend, attrs }) {
    const name = BATCH_NORM_KERNELS.grad;
    const { channels } = rowsAndChannels(inputs.x.shape, name);
    const [dy, x] = float32Inputs(backend, inputs, ['dy', 'x'], name);
    const [mean, variance, gamma] = float32Inputs(backend, inputs, ['mean', 'variance', 'gamma'], name);
    if (mean.length !== channels) throw new Error(`${name}: 'mean' has ${mean.length} values for ${channels} channels`);
    const out = batchNormGradArrays({ dy, x, mean, variance, gamma }, (attrs as unknown as BatchNormGradAttrs).epsilon);
    return [
      backend.makeTensorInfo(inputs.x.shape, 'float32', out.dx),
      backend.makeTensorInfo([channels], 'float32', out.dGamma),
      backend.makeTensorInfo([channels], 'float32', out.dBeta),
    ];
  },
};

/** Both moving averages' update in one pass instead of six kernels and two scalars. */
export const fastMovingAverages: FastKernel = {
  kernelName: BATCH_NORM_KERNELS.movingAverages,
  added: true,
  run({ inputs, backend, attrs }) {
    const [movingMean, movingVariance, mean, variance] = float32Inputs(backend, inputs, ['movingMean', 'movingVariance', 'mean', 'variance'], BATCH_NORM_KERNELS.movingAverages);
    const { momentum } = attrs as unknown as MovingAverageAttrs;
    return [movingAverageArrays(movingMean, mean, momentum), movingAverageArrays(movingVariance, variance, momentum)].map((v) => backend.makeTensorInfo(inputs.movingMean.shape, 'float32', v));
  },
};
