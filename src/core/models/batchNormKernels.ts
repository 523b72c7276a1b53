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
}

/** A channels-last tensor's shape as rows × channels, refused (naming the kernel) when it has no channel axis. */
export function rowsAndChannels(shape: readonly number[], kernelName: string): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  if (shape.length < 2 || !(channels > 0)) throw new Error(`${kernelName}: 'x' must have a batch and a channel axis, got shape [${shape.join(',')}]`);
  return { rows: shape.reduce((a, b) => a * b, 1) / channels, channels };
}

/** Mean and biased variance per channel of `x` (channels last), two passes in float64. */
export function momentsArrays(x: Float32Array, channels: number): { mean: Float32Array; variance: Float32Array } {
  const rows = x.length / channels;
  const sum = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) for (let c = 0; c < channels; c++) sum[c] += x[i + c];
  const mean = sum.map((s) => s / rows);
  const squares = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = x[i + c] - mean[c];
      squares[c] += d * d;
    }
  }
  return { mean: Float32Array.from(mean), variance: Float32Array.from(squares, (s) => s / rows) };
}

/**
 * The closed-form batch-norm gradient (torch's batch_norm_backward):
 *   x̂ = (x − μ)/√(σ² + ε),  ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = γ/√(σ² + ε) · (dy − ∂β/N − x̂·∂γ/N)
 * with the channel sums in float64.
 */
export function batchNormGradArrays(
  inputs: { dy: Float32Array; x: Float32Array; mean: Float32Array; variance: Float32Array; gamma: Float32Array },
  epsilon: number,
): { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } {
  const { dy, x, mean, variance, gamma } = inputs;
  const channels = mean.length;
  const rows = x.length / channels;
  const invStd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  const dBeta = new Float64Array(channels);
  const dyXc = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const g = dy[i + c];
      dBeta[c] += g;
      dyXc[c] += g * (x[i + c] - mean[c]);
    }
  }
  const dGamma = dyXc.map((s, c) => s * invStd[c]);
  // dx = a·dy + b·(x − μ) + k per channel, the constants folded once.
  const a = invStd.map((s, c) => gamma[c] * s);
  const b = a.map((ac, c) => (-ac * invStd[c] * dGamma[c]) / rows);
  const k = a.map((ac, c) => (-ac * dBeta[c]) / rows);
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) dx[i + c] = a[c] * dy[i + c] + b[c] * (x[i + c] - mean[c]) + k[c];
  }
  return { dx, dGamma: Float32Array.from(dGamma), dBeta: Float32Array.from(dBeta) };
}

/** tfjs-layers' moving average to the letter, each operation rounded to float32 as its ops are: a − (a − v)·(1 − momentum). */
export function movingAverageArrays(average: Float32Array, value: Float32Array, momentum: number): Float32Array {
  const f = Math.fround;
  const decay = f(1 - momentum);
  return average.map((a, i) => f(a - f(f(a - value[i]) * decay)));
}
