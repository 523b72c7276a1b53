import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { BATCH_NORM_KERNELS, rowsAndChannels, runningVarianceScale, type BatchNormGradAttrs, type MovingAverageAttrs } from '../../core/models/batchNormKernels.ts';
import { componentsFor, runElementwise, runElementwiseOutputs, type ElementwiseOp, type ElementwiseOutputsOp } from './elementwiseProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, SELF_INDEXED_LAYOUT, allFloat32, type WebgpuBackendLike, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const CHANNELS_PER_WORKGROUP = 64;
/** Invocations to aim for: enough to fill a large GPU; the rows are sliced to get there. */
const TARGET_INVOCATIONS = 32768;
/** A slice shorter than this many rows costs more in partial sums than it gains. */
const MIN_ROWS_PER_SPLIT = 32;

export interface ChannelSumsPlan {
  splits: number;
  rowsPerSplit: number;
}

/** How many slices of `rows` to sum separately for `channels` channels. */
export function planChannelSums(rows: number, channels: number): ChannelSumsPlan {
  const lanes = Math.ceil(channels / CHANNELS_PER_WORKGROUP) * CHANNELS_PER_WORKGROUP;
  const splits = Math.max(1, Math.min(Math.ceil(TARGET_INVOCATIONS / lanes), Math.ceil(rows / MIN_ROWS_PER_SPLIT), MAX_WORKGROUPS_PER_DIMENSION));
  const rowsPerSplit = Math.ceil(rows / splits);
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

/**
 * Two sums per channel over a slice of rows of a channels-last tensor, written as partials
 * [splits, 2, C], one invocation per channel and slice (neighbouring invocations read
 * neighbouring channels):
 * - `moments`: Σ(x − k) and Σ(x − k)² with k the channel's first value, a shift that keeps the
 *   variance from cancelling when the mean is large next to the spread;
 * - `grad`: Σ dy and Σ dy·(x − μ).
 */
class ChannelSumsProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = SELF_INDEXED_LAYOUT;
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = 'rows : i32, channels : i32, rowsPerSplit : i32,';
  workgroupSize: [number, number, number] = [CHANNELS_PER_WORKGROUP, 1, 1];

  constructor(
    private readonly kind: 'moments' | 'grad',
    channels: number,
    plan: ChannelSumsPlan,
  ) {
    this.variableNames = kind === 'moments' ? ['x'] : ['dy', 'x', 'mean'];
    this.outputShape = [plan.splits, 2, channels];
    this.dispatch = [Math.ceil(channels / CHANNELS_PER_WORKGROUP), plan.splits, 1];
    this.shaderKey = `studioChannelSums_${kind}`;
  }

  getUserCode(): string {
    const moments = this.kind === 'moments';
    return `
      fn main() {
        let c = i32(workgroupId.x) * ${CHANNELS_PER_WORKGROUP} + i32(localId.x);
        if (c >= uniforms.channels) {
          return;
        }
        let split = i32(workgroupId.y);
        let rEnd = min((split + 1) * uniforms.rowsPerSplit, uniforms.rows);
        let k = ${moments ? 'x[c]' : 'mean[c]'};
        var s1 = 0.0;
        var s2 = 0.0;
        for (var r = split * uniforms.rowsPerSplit; r < rEnd; r++) {
          let at = r * uniforms.channels + c;
          ${moments ? 'let d = x[at] - k; s1 = s1 + d; s2 = s2 + d * d;' : 'let g = dy[at]; s1 = s1 + g; s2 = s2 + g * (x[at] - k);'}
        }
        let base = split * 2 * uniforms.channels + c;
        result[base] = s1;
        result[base + uniforms.channels] = s2;
      }
    `;
  }
}

/** The partial sums of `kind`, for finishing programs to fold over the splits. */
function channelSums(backend: WebgpuBackendLike, kind: 'moments' | 'grad', inputs: TensorInfo[], rows: number, channels: number): { partials: TensorInfo; splits: number } {
  const plan = planChannelSums(rows, channels);
  const uniforms = [rows, channels, plan.rowsPerSplit].map((v) => ({ type: 'int32' as const, data: [v] }));
  return { partials: runStudioProgram(backend, new ChannelSumsProgram(kind, channels, plan), inputs, uniforms), splits: plan.splits };
}

/** WGSL summing row `row` (0 or 1) of the partials [splits, 2, C] for channel `c` into `name`, in split order. */
const foldSplits = (name: string, row: number, c = 'i') => `
  var ${name} = 0.0;
  for (var s = 0; s < uniforms.splits; s++) {
    ${name} = ${name} + partials[(s * 2 + ${row}) * uniforms.channels + ${c}];
  }`;

const PER_CHANNEL = { floats: ['count', 'epsilon'], ints: ['splits', 'channels'] } as const;

// k + Σ(x − k)/N and Σ(x − k)²/N − (Σ(x − k)/N)², k the channel's first value (x[i] for i < C);
// with `moving`, also tfjs-layers' moving averages of those float32 values.
function momentsOp(moving: boolean): ElementwiseOutputsOp {
  return {
    key: `BatchNormMoments${moving ? '_moving' : ''}`,
    inputs: ['partials', 'x', ...(moving ? ['movingMean', 'movingVariance'] : [])],
    floats: [...PER_CHANNEL.floats, ...(moving ? ['decay', 'varianceScale'] : [])],
    ints: PER_CHANNEL.ints,
    body: `${foldSplits('s1', 0)}${foldSplits('s2', 1)}
    let shift = s1 / uniforms.count;
    let mean = x[i] + shift;
    let variance = max(s2 / uniforms.count - shift * shift, 0.0);`,
    results: {
      mean: 'mean',
      variance: 'variance',
      ...(moving
        ? { movingMean: 'movingMean[i] - (movingMean[i] - mean) * uniforms.decay', movingVariance: 'movingVariance[i] - (movingVariance[i] - variance * uniforms.varianceScale) * uniforms.decay' }
        : {}),
    },
  };
}
const MOMENTS = momentsOp(false);
const MOMENTS_MOVING = momentsOp(true);
const D_BETA_GAMMA: ElementwiseOutputsOp = {
  key: 'BatchNormDBetaGamma',
  inputs: ['partials', 'variance'],
  ...PER_CHANNEL,
  body: `${foldSplits('s1', 0)}${foldSplits('s2', 1)}`,
  results: { dBeta: 's1', dGamma: 's2 * inverseSqrt(variance[i] + uniforms.epsilon)' },
};
// dx = a·dy + b·(x − μ) + k with a = γ/√(σ² + ε), b = −a·∂γ/(N·√(σ² + ε)), k = −a·∂β/N.
// Four channels at a time when C is a multiple of 4 (every input then reads as vec4s and
// `uniforms.channels` counts channel quads).
const D_X: ElementwiseOp = {
  key: 'BatchNormDx',
  vec4: true,
  inputs: ['dy', 'x', 'mean', 'variance', 'gamma', 'dGamma', 'dBeta'],
  ...PER_CHANNEL,
  body: `
    let c = i % uniforms.channels;
    let inv = inverseSqrt(variance[c] + uniforms.epsilon);
    let a = gamma[c] * inv;`,
  result: 'a * dy[i] - a * inv * dGamma[c] / uniforms.count * (x[i] - mean[c]) - a * dBeta[c] / uniforms.count',
};

/** A float32 input of the kernel, checked: a kernel tfjs does not have cannot fall back to stock. */
function input(kernelName: string, inputs: Record<string, TensorInfo>, name: string, size?: number): TensorInfo {
  const t = inputs[name] as TensorInfo | undefined;
  if (!t || t.dtype !== 'float32') throw new Error(`${kernelName}: '${name}' must be a float32 tensor`);
  const actual = t.shape.reduce((a, b) => a * b, 1);
  if (size !== undefined && actual !== size) throw new Error(`${kernelName}: '${name}' has ${actual} values, expected ${size}`);
  return t;
}

/**
 * Batch statistics in two launches (channel sums, then mean and variance, and the moving
 * averages' update when given) instead of tf.moments' four or more and six for the averages.
 */
export const fastMoments: WebgpuKernel = {
  kernelName: BATCH_NORM_KERNELS.moments,
  added: true,
  run({ inputs, backend, attrs }) {
    const name = BATCH_NORM_KERNELS.moments;
    const x = input(name, inputs, 'x');
    const { rows, channels } = rowsAndChannels(x.shape, name);
    const moving = inputs.movingMean !== undefined || inputs.movingVariance !== undefined;
    const averages = moving ? ['movingMean', 'movingVariance'].map((n) => input(name, inputs, n, channels)) : [];
    const { partials, splits } = channelSums(backend, 'moments', [x], rows, channels);
    const a = attrs as unknown as MovingAverageAttrs;
    const values = { count: rows, epsilon: 0, splits, channels, ...(moving ? { decay: 1 - a.momentum, varianceScale: runningVarianceScale(rows, a.unbiased) } : {}) };
    const out = runElementwiseOutputs(backend, moving ? MOMENTS_MOVING : MOMENTS, [partials, x, ...averages], [channels], values);
    backend.disposeData(partials.dataId);
    return out;
  },
};

/** The batch-norm gradient in three launches (channel sums, ∂β and ∂γ, dx) instead of thirteen. */
export const fastBatchNormGrad: WebgpuKernel = {
  kernelName: BATCH_NORM_KERNELS.grad,
  added: true,
  run({ inputs, backend, attrs }) {
    const name = BATCH_NORM_KERNELS.grad;
    const x = input(name, inputs, 'x');
    const { rows, channels } = rowsAndChannels(x.shape, name);
    const dy = input(name, inputs, 'dy', rows * channels);
    const [mean, variance, gamma] = ['mean', 'variance', 'gamma'].map((n) => input(name, inputs, n, channels));
    const { partials, splits } = channelSums(backend, 'grad', [dy, x, mean], rows, channels);
    const values = { count: rows, epsilon: (attrs as unknown as BatchNormGradAttrs).epsilon, splits, channels };
    const [dBeta, dGamma] = runElementwiseOutputs(backend, D_BETA_GAMMA, [partials, variance], [channels], values);
    backend.disposeData(partials.dataId);
    const components = componentsFor(channels);
    const dx = runElementwise(backend, D_X, [dy, x, mean, variance, gamma, dGamma, dBeta], x.shape, { ...values, channels: channels / components }, components);
    return [dx, dGamma, dBeta];
  },
};

/**
 * y = (x − μ)·γ/√(σ² + ε) + β over a channels-last x, per-channel inputs read at `c`; β and
 * γ optional as in tfjs's FusedBatchNorm, whose formula (x·inv − μ·inv + β, inv = γ/√(σ² + ε))
 * this keeps. Stock maps every input's coordinates from the output index (four divisions per
 * input and value, one value per invocation); here channels come in fours where C allows.
 */
function batchNormForward(offset: boolean, scale: boolean): ElementwiseOp {
  return {
    key: `BatchNorm_${offset ? 'offset' : ''}_${scale ? 'scale' : ''}`,
    vec4: true,
    inputs: ['x', 'mean', 'variance', ...(offset ? ['offset'] : []), ...(scale ? ['scale'] : [])],
    floats: ['epsilon'],
    ints: ['channels'],
    body: `
    let c = i % uniforms.channels;
    let inv = ${scale ? 'scale[c] * ' : ''}inverseSqrt(variance[c] + uniforms.epsilon);`,
    result: `x[i] * inv - mean[c] * inv${offset ? ' + offset[c]' : ''}`,
  };
}

/** tfjs's batch norm (training and inference) where every per-channel input is one value per channel of x's last axis; else stock. */
export const fastFusedBatchNorm: WebgpuKernel = {
  kernelName: 'FusedBatchNorm',
  run({ inputs, backend, attrs }) {
    const { x, mean, variance, offset, scale } = inputs as Record<string, TensorInfo | undefined>;
    if (!x || !mean || !variance || x.shape.length === 0 || !allFloat32(x, mean, variance, offset, scale)) return undefined;
    const channels = x.shape[x.shape.length - 1];
    if (![mean, variance, offset, scale].every((t) => t === undefined || (t.shape.length === 1 && t.shape[0] === channels))) return undefined;
    const components = componentsFor(channels);
    const op = batchNormForward(offset !== undefined, scale !== undefined);
    const perChannel = [mean, variance, offset, scale].filter((t): t is TensorInfo => t !== undefined);
    const values = { epsilon: Number(attrs.varianceEpsilon ?? 0.001), channels: channels / components };
    return runElementwise(backend, op, [x, ...perChannel], x.shape, values, components);
  },
};
