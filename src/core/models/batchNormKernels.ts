/**
 * The fused batch-norm kernels a backend may provide for training (see
 * src/core/optim/adamUpdateKernel.ts for the pattern): composed of tfjs ops, a batch norm
 * layer's training step is some 26 kernel launches (7 for the statistics and the output, 6
 * for the moving averages, 13 for the gradient); with these it is 6 on webgpu and 3 on cpu,
 * and the gradient reads the activations twice instead of a dozen times. `batchNormTraining`
 * uses them when the active backend has both, and composes tfjs ops otherwise, to the same
 * formulas. Every tensor is float32 and normalized over all axes but the last.
 */
export const BATCH_NORM_KERNELS = {
  /**
   * Inputs `x` [..., C] and, to update the layer's moving statistics in the same pass,
   * `movingMean`, `movingVariance` [C] with attrs `momentum`; outputs [mean [C], variance [C]]
   * (biased, as tf.moments), then [movingMean', movingVariance'] when given, each
   * tfjs-layers' update a − (a − v)·(1 − momentum) of the batch's float32 statistic.
   */
  moments: 'StudioMoments',
  /**
   * Inputs `dy`, `x` [..., C], `mean`, `variance`, `gamma` [C]; attrs `epsilon`; outputs
   * [dx, dGamma, dBeta] of y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch's own statistics.
   */
  grad: 'StudioBatchNormGrad',
} as const;

export interface BatchNormGradAttrs {
  epsilon: number;
}

export interface MovingAverageAttrs {
  momentum: number;
  /**
   * The running variance takes the batch variance times n/(n − 1) (n values per channel),
   * as PyTorch's batch norm does, instead of the biased one Keras keeps. Absent: false.
   */
  unbiased?: boolean;
}

/** The factor a batch variance over `count` values per channel enters the running variance with. */
export function runningVarianceScale(count: number, unbiased: boolean | undefined): number {
  return unbiased && count > 1 ? count / (count - 1) : 1;
}

/** A channels-last tensor's shape as rows × channels, refused (naming the kernel) when it has no channel axis. */
export function rowsAndChannels(shape: readonly number[], kernelName: string): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  if (shape.length < 2 || !(channels > 0)) throw new Error(`${kernelName}: 'x' must have a batch and a channel axis, got shape [${shape.join(',')}]`);
  return { rows: shape.reduce((a, b) => a * b, 1) / channels, channels };
}

/**
 * Mean and biased variance per channel of `x` (channels last), two passes in float64.
 * Channels are summed four at a time down the rows, the sums in locals rather than in an
 * array (a load and a store per value, 2–6× slower in V8); each channel's sum still runs over
 * the rows in order, so the bits are those of the plain row-by-row loop.
 */
export function momentsArrays(x: Float32Array, channels: number): { mean: Float32Array; variance: Float32Array } {
  const rows = x.length / channels;
  const end = x.length;
  const sum = new Float64Array(channels);
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = c; i < end; i += channels) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
    }
    sum[c] = s0;
    sum[c + 1] = s1;
    sum[c + 2] = s2;
    sum[c + 3] = s3;
  }
  for (; c < channels; c++) {
    let s0 = 0;
    for (let i = c; i < end; i += channels) s0 += x[i];
    sum[c] = s0;
  }
  const mean = sum.map((s) => s / rows);
  const squares = new Float64Array(channels);
  for (c = 0; c + 4 <= channels; c += 4) {
    const m0 = mean[c], m1 = mean[c + 1], m2 = mean[c + 2], m3 = mean[c + 3];
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (let i = c; i < end; i += channels) {
      const d0 = x[i] - m0, d1 = x[i + 1] - m1, d2 = x[i + 2] - m2, d3 = x[i + 3] - m3;
      q0 += d0 * d0;
      q1 += d1 * d1;
      q2 += d2 * d2;
      q3 += d3 * d3;
    }
    squares[c] = q0;
    squares[c + 1] = q1;
    squares[c + 2] = q2;
    squares[c + 3] = q3;
  }
  for (; c < channels; c++) {
    const m0 = mean[c];
    let q0 = 0;
    for (let i = c; i < end; i += channels) {
      const d0 = x[i] - m0;
      q0 += d0 * d0;
    }
    squares[c] = q0;
  }
  return { mean: Float32Array.from(mean), variance: Float32Array.from(squares, (q) => q / rows) };
}

/**
 * The closed-form batch-norm gradient (torch's batch_norm_backward):
 *   x̂ = (x − μ)/√(σ² + ε),  ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = γ/√(σ² + ε) · (dy − ∂β/N − x̂·∂γ/N)
 * with the channel sums in float64.
 */
export function batchNormGradArrays(
  inputs: { dy: Float32Array; x: Float32Array; mean: Float32Array; variance: Float32Array; gamma: Float32Array },
  epsilon: number,
  /** Where to write dx (a host's reused array of x's length; every value is written), else a new array. */
  out?: Float32Array,
): { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } {
  const { dy, x, mean, variance, gamma } = inputs;
  const channels = mean.length;
  const rows = x.length / channels;
  const invStd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  // The channel sums as in `momentsArrays`: four channels at a time down the rows, same bits.
  const dBeta = new Float64Array(channels);
  const dyXc = new Float64Array(channels);
  const end = x.length;
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    const m0 = mean[c], m1 = mean[c + 1], m2 = mean[c + 2], m3 = mean[c + 3];
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = c; i < end; i += channels) {
      const g0 = dy[i], g1 = dy[i + 1], g2 = dy[i + 2], g3 = dy[i + 3];
      b0 += g0;
      b1 += g1;
      b2 += g2;
      b3 += g3;
      s0 += g0 * (x[i] - m0);
      s1 += g1 * (x[i + 1] - m1);
      s2 += g2 * (x[i + 2] - m2);
      s3 += g3 * (x[i + 3] - m3);
    }
    dBeta[c] = b0;
    dBeta[c + 1] = b1;
    dBeta[c + 2] = b2;
    dBeta[c + 3] = b3;
    dyXc[c] = s0;
    dyXc[c + 1] = s1;
    dyXc[c + 2] = s2;
    dyXc[c + 3] = s3;
  }
  for (; c < channels; c++) {
    const m0 = mean[c];
    let b0 = 0, s0 = 0;
    for (let i = c; i < end; i += channels) {
      const g0 = dy[i];
      b0 += g0;
      s0 += g0 * (x[i] - m0);
    }
    dBeta[c] = b0;
    dyXc[c] = s0;
  }
  const dGamma = dyXc.map((s, c) => s * invStd[c]);
  // dx = a·dy + b·(x − μ) + k per channel, the constants folded once.
  const a = invStd.map((s, c) => gamma[c] * s);
  const b = a.map((ac, c) => (-ac * invStd[c] * dGamma[c]) / rows);
  const k = a.map((ac, c) => (-ac * dBeta[c]) / rows);
  // Four channels at a time down the rows, their constants in locals (3× the row-by-row loop, which reads four per value).
  const dx = out ?? new Float32Array(x.length);
  for (c = 0; c + 4 <= channels; c += 4) {
    const a0 = a[c], a1 = a[c + 1], a2 = a[c + 2], a3 = a[c + 3];
    const b0 = b[c], b1 = b[c + 1], b2 = b[c + 2], b3 = b[c + 3];
    const k0 = k[c], k1 = k[c + 1], k2 = k[c + 2], k3 = k[c + 3];
    const m0 = mean[c], m1 = mean[c + 1], m2 = mean[c + 2], m3 = mean[c + 3];
    for (let i = c; i < end; i += channels) {
      dx[i] = a0 * dy[i] + b0 * (x[i] - m0) + k0;
      dx[i + 1] = a1 * dy[i + 1] + b1 * (x[i + 1] - m1) + k1;
      dx[i + 2] = a2 * dy[i + 2] + b2 * (x[i + 2] - m2) + k2;
      dx[i + 3] = a3 * dy[i + 3] + b3 * (x[i + 3] - m3) + k3;
    }
  }
  for (; c < channels; c++) {
    const a0 = a[c], b0 = b[c], k0 = k[c], m0 = mean[c];
    for (let i = c; i < end; i += channels) dx[i] = a0 * dy[i] + b0 * (x[i] - m0) + k0;
  }
  return { dx, dGamma: Float32Array.from(dGamma), dBeta: Float32Array.from(dBeta) };
}

/** tfjs-layers' moving average to the letter, each operation rounded to float32 as its ops are: a − (a − v)·(1 − momentum). */
export function movingAverageArrays(average: Float32Array, value: Float32Array, momentum: number, scale = 1): Float32Array {
  const f = Math.fround;
  const decay = f(1 - momentum);
  if (scale === 1) return average.map((a, i) => f(a - f(f(a - value[i]) * decay)));
  const s = f(scale);
  return average.map((a, i) => f(a - f(f(a - f(value[i] * s)) * decay)));
}
