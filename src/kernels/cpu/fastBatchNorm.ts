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

/** Batch statistics per channel in two passes over the activations, and the moving averages' update when asked, instead of tf.moments' four kernels and six more. */
export const fastMoments: FastKernel = {
  kernelName: BATCH_NORM_KERNELS.moments,
  added: true,
  run({ inputs, backend, attrs }) {
    const name = BATCH_NORM_KERNELS.moments;
    const { channels } = rowsAndChannels(inputs.x.shape, name);
    const [x] = float32Inputs(backend, inputs, ['x'], name);
    const { mean, variance } = momentsArrays(x, channels);
    const outputs = [mean, variance];
    if (inputs.movingMean !== undefined || inputs.movingVariance !== undefined) {
      const [movingMean, movingVariance] = float32Inputs(backend, inputs, ['movingMean', 'movingVariance'], name);
      if (movingMean.length !== channels) throw new Error(`${name}: 'movingMean' has ${movingMean.length} values for ${channels} channels`);
      const { momentum } = attrs as unknown as MovingAverageAttrs;
      outputs.push(movingAverageArrays(movingMean, mean, momentum), movingAverageArrays(movingVariance, variance, momentum));
    }
    return outputs.map((v) => backend.makeTensorInfo([channels], 'float32', v));
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
