import {
  BATCH_NORM_KERNELS,
  batchNormGradArrays,
  momentsArrays,
  rowsAndChannels,
  movingAverageArrays,
  runningVarianceScale,
  type BatchNormGradAttrs,
  type MovingAverageAttrs,
} from '../../core/models/batchNormKernels.ts';
import { FusedBatchNorm, type FusedBatchNormAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { float32Inputs, float32Values, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/** Batch statistics per channel in two passes over the activations, and the moving averages' update when asked, instead of tf.moments' four kernels and six more. */
export const fastMoments: FastKernel = {
  kernelName: BATCH_NORM_KERNELS.moments,
  added: true,
  run({ inputs, backend, attrs }) {
    const name = BATCH_NORM_KERNELS.moments;
    const { rows, channels } = rowsAndChannels(inputs.x.shape, name);
    const [x] = float32Inputs(backend, inputs, ['x'], name);
    const { mean, variance } = momentsArrays(x, channels);
    const outputs = [mean, variance];
    if (inputs.movingMean !== undefined || inputs.movingVariance !== undefined) {
      const [movingMean, movingVariance] = float32Inputs(backend, inputs, ['movingMean', 'movingVariance'], name);
      if (movingMean.length !== channels) throw new Error(`${name}: 'movingMean' has ${movingMean.length} values for ${channels} channels`);
      const { momentum, unbiased } = attrs as unknown as MovingAverageAttrs;
      outputs.push(movingAverageArrays(movingMean, mean, momentum), movingAverageArrays(movingVariance, variance, momentum, runningVarianceScale(rows, unbiased)));
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
    const out = batchNormGradArrays({ dy, x, mean, variance, gamma }, (attrs as unknown as BatchNormGradAttrs).epsilon, float32Pool.uninitialized(x.length));
    return [
      backend.makeTensorInfo(inputs.x.shape, 'float32', out.dx),
      backend.makeTensorInfo([channels], 'float32', out.dGamma),
      backend.makeTensorInfo([channels], 'float32', out.dBeta),
    ];
  },
};

/**
 * The normalisation itself (`tf.batchNorm`, forward in training and inference), with stock's
 * formula `offset + (x − mean)·scale / √(variance + ε)` in float64 in the same order, so the
 * same bits; but the square root is taken once per channel rather than once per value, and
 * the parameters are read by channel rather than through four wrapping counters. Parameters
 * must each have one value or one per channel of x's innermost axis; other shapes go to stock.
 */
export const fastFusedBatchNorm: FastKernel = {
  kernelName: FusedBatchNorm,
  run({ inputs, backend, attrs }) {
    const { x, mean, variance, scale, offset } = inputs as Record<string, TensorInfo | undefined>;
    if (!x || !mean || !variance) return undefined;
    const xValues = float32Values(backend, x);
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const params = [mean, variance, scale, offset].map((t) => (t ? float32Values(backend, t) : null));
    if (!xValues || params.some((p) => p === undefined || (p && p.length !== 1 && p.length !== channels))) return undefined;
    const [m, v, s, o] = params as (Float32Array | null)[];
    const epsilon = (attrs as unknown as FusedBatchNormAttrs).varianceEpsilon ?? 0.001;
    const at = (p: Float32Array | null, fallback: number, c: number) => (p ? p[p.length === 1 ? 0 : c] : fallback);
    const root = new Float64Array(channels);
    const perChannel = [new Float64Array(channels), new Float64Array(channels), new Float64Array(channels)];
    for (let c = 0; c < channels; c++) {
      root[c] = Math.sqrt(at(v, 0, c) + epsilon);
      perChannel[0][c] = at(m, 0, c);
      perChannel[1][c] = at(s, 1, c);
      perChannel[2][c] = at(o, 0, c);
    }
    const [meanC, scaleC, offsetC] = perChannel;
    // Four channels at a time down the rows, their parameters in locals: same formula, same bits, 2–3× the row-by-row loop.
    const out = float32Pool.zeros(xValues.length);
    const end = xValues.length;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o0 = offsetC[c], o1 = offsetC[c + 1], o2 = offsetC[c + 2], o3 = offsetC[c + 3];
      const m0 = meanC[c], m1 = meanC[c + 1], m2 = meanC[c + 2], m3 = meanC[c + 3];
      const s0 = scaleC[c], s1 = scaleC[c + 1], s2 = scaleC[c + 2], s3 = scaleC[c + 3];
      const r0 = root[c], r1 = root[c + 1], r2 = root[c + 2], r3 = root[c + 3];
      for (let i = c; i < end; i += channels) {
        out[i] = o0 + ((xValues[i] - m0) * s0) / r0;
        out[i + 1] = o1 + ((xValues[i + 1] - m1) * s1) / r1;
        out[i + 2] = o2 + ((xValues[i + 2] - m2) * s2) / r2;
        out[i + 3] = o3 + ((xValues[i + 3] - m3) * s3) / r3;
      }
    }
    for (; c < channels; c++) {
      const o0 = offsetC[c], m0 = meanC[c], s0 = scaleC[c], r0 = root[c];
      for (let i = c; i < end; i += channels) out[i] = o0 + ((xValues[i] - m0) * s0) / r0;
    }
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
};
