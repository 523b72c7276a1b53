import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_KERNELS, runningVarianceScale } from './batchNormKernels.ts';
import { FUSED_OPS_FLAG } from './fusedOpsFlag.ts';

/**
 * Batch norm in training mode, normalizing over every axis but the last (NHWC's channels,
 * or a dense layer's features), as one op with a closed-form gradient:
 *
 *   x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
 *   ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = γ/√(σ² + ε) · (dy − ∂β/N − x̂·∂γ/N)   (torch's batch_norm_backward)
 *
 * Composed of tfjs ops, the forward is tfjs-layers' own (mean, biased variance, then tfjs's
 * batchNorm kernel), so its values are unchanged, and the backward is 9 launches over the
 * whole tensor and 5 over the channels where tfjs differentiates batchNorm and the moments
 * op by op in some 30 (MobileNetV2 has 52 batch norms: a third of a training step's
 * launches). Where the backend has the studio's batch-norm kernels (batchNormKernels.ts), the
 * statistics and the gradient are one kernel each: the same formulas, summed in another order.
 * Given the layer's `moving` statistics, it also returns their tfjs-layers update from this
 * batch (on the kernels, in the statistics' own pass). The caller disposes `mean`,
 * `variance` and `moving`.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  moving?: MovingStatistics,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; moving?: [mean: tf.Tensor, variance: tf.Tensor] } {
  const backend = tf.getBackend();
  const fused = Object.values(BATCH_NORM_KERNELS).every((name) => tf.getKernel(name, backend) !== undefined);
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  let kept: tf.Tensor[] | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const save = args[3] as tf.GradSaveFunc;
    const stats = fused ? fusedMoments(input, moving) : composedMoments(input, axes);
    const [mean, variance] = stats;
    const y = tf.batchNorm(input, mean, variance, b, g, epsilon);
    save([input, mean, variance, g]);
    // The statistics (and the kernel's moving averages) leave the op; its scope would dispose them.
    kept = stats.map((t) => tf.keep(t));
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m, v, scale] = saved;
        if (fused) return tf.engine().runKernel(BATCH_NORM_KERNELS.grad, { dy, x: xs, mean: m, variance: v, gamma: scale }, { epsilon }) as tf.Tensor[];
        return composedGrad(dy, xs, m, v, scale, epsilon, axes);
      },
    };
  });
  const y = op(x, gamma, beta);
  if (!kept) throw new Error('batch norm: the forward pass did not run');
  const [mean, variance, ...averages] = kept;
  if (!moving) return { y, mean, variance };
  const scale = runningVarianceScale(x.size / x.shape[x.rank - 1], moving.unbiased);
  const next =
    averages.length === 2
      ? averages
      : [composedMovingAverage(moving.mean, mean, moving.momentum), composedMovingAverage(moving.variance, variance, moving.momentum, scale)];
  return { y, mean, variance, moving: [next[0], next[1]] };
}

/** A layer's moving statistics, how much of them each batch keeps, and whether the batch's variance enters unbiased (PyTorch) or biased (Keras). */
export interface MovingStatistics {
  mean: tf.Tensor;
  variance: tf.Tensor;
  momentum: number;
  unbiased?: boolean;
}

/** The batch's statistics from the studio's kernel, with the moving averages' update when given. */
function fusedMoments(x: tf.Tensor, moving: MovingStatistics | undefined): tf.Tensor[] {
  const inputs: tf.NamedTensorMap = moving ? { x, movingMean: moving.mean, movingVariance: moving.variance } : { x };
  return tf.engine().runKernel(BATCH_NORM_KERNELS.moments, inputs, moving ? { momentum: moving.momentum, unbiased: moving.unbiased === true } : {}) as tf.Tensor[];
}

/** tfjs-layers' moving average, to the letter: v ← v − (v − value·scale)·(1 − momentum), scale n/(n − 1) for PyTorch's running variance. */
function composedMovingAverage(average: tf.Tensor, value: tf.Tensor, momentum: number, scale = 1): tf.Tensor {
  return tf.tidy(() => tf.sub(average, tf.mul(tf.sub(average, scale === 1 ? value : tf.mul(value, scale)), 1 - momentum)));
}

/** tfjs-layers' statistics, op for op (mean, then the mean of squared deviations), for backends without the studio's kernels (tfjs-webgl). */
function composedMoments(x: tf.Tensor, axes: number[]): [mean: tf.Tensor, variance: tf.Tensor] {
  const mean = tf.mean(x, axes);
  return [mean, tf.mean(tf.square(tf.sub(x, mean)), axes)];
}

/** The closed-form gradient of tfjs ops, for backends without the studio's kernels. */
function composedGrad(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, epsilon: number, axes: number[]): tf.Tensor[] {
  const n = x.size / x.shape[x.rank - 1];
  const inv = tf.rsqrt(tf.add(variance, epsilon));
  const xHat = tf.mul(tf.sub(x, mean), inv);
  const dBeta = tf.sum(dy, axes);
  const dGamma = tf.sum(tf.mul(dy, xHat), axes);
  const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xHat, tf.div(dGamma, n))), tf.mul(gamma, inv));
  return [dx, dGamma, dBeta];
}

/** Batch norms that, while frozen, normalize with their running statistics and leave them alone. */
const inferenceWhenFrozen = new WeakSet<tfl.layers.Layer>();

/**
 * Makes a batch norm (made by `withFusedBatchNormTraining`) run in inference mode while its
 * layer is not trainable, as Keras' BatchNormalization does: a frozen pretrained block then
 * computes exactly what it computed for its weights' owner, and one small batch of new data
 * cannot drag its statistics away. Setting the layer trainable again lets it train.
 */
export function freezeBatchNormStatistics(layer: tfl.layers.Layer): void {
  inferenceWhenFrozen.add(layer);
}

/** Whether a batch norm runs on its running statistics while it is frozen. */
export function isInferenceWhenFrozen(layer: tfl.layers.Layer): boolean {
  return inferenceWhenFrozen.has(layer);
}

/** What the fused path needs of tfjs-layers' BatchNormalization (its fields are not in the public typings). */
interface BatchNormInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: { read(): tf.Tensor };
  beta?: { read(): tf.Tensor };
  movingMean: { read(): tf.Tensor; write(value: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(value: tf.Tensor): void };
}

/**
 * Makes a tfjs-layers BatchNormalization layer train through `batchNormTraining` when it
 * normalizes over the last axis with both γ and β and FUSED_OPS_FLAG is set;
 * inference, and any other configuration, keep the layer's own call. The layer is unchanged
 * otherwise (class name, weights, serialization), so saved and exported models are exactly
 * what they were. `unbiasedVariance` updates the running variance as PyTorch does; with
 * FUSED_OPS_FLAG off (stock tfjs, measured as it is) the layer's own biased update runs.
 */
export function withFusedBatchNormTraining<L extends tfl.layers.Layer>(layer: L, opts: { unbiasedVariance?: boolean } = {}): L {
  const own = layer.call.bind(layer);
  const bn = layer as unknown as BatchNormInternals;
  layer.call = (inputs, kwargs) => {
    if (kwargs.training === true && !layer.trainable && inferenceWhenFrozen.has(layer)) return own(inputs, { ...kwargs, training: false });
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = bn.axis < 0 ? bn.axis + x.rank : bn.axis;
    if (kwargs.training !== true || axis !== x.rank - 1 || !bn.gamma || !bn.beta || !tf.env().getBool(FUSED_OPS_FLAG)) return own(inputs, kwargs);
    const { gamma, beta } = bn;
    return tf.tidy(() => {
      const moving = { mean: bn.movingMean.read(), variance: bn.movingVariance.read(), momentum: bn.momentum, unbiased: opts.unbiasedVariance };
      const { y, mean, variance, moving: next } = batchNormTraining(x, gamma.read(), beta.read(), bn.epsilon, moving);
      bn.movingMean.write(next![0]);
      bn.movingVariance.write(next![1]);
      // The variables hold their own references now; these handles left the op kept.
      tf.dispose([mean, variance, ...next!]);
      return y;
    });
  };
  return layer;
}
