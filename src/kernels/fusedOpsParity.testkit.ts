import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { FusedActivation } from '../core/models/activationGradKernel.ts';
import { withFusedActivationTraining } from '../core/models/activationTraining.ts';
import { withFusedBatchNormTraining } from '../core/models/batchNormTraining.ts';
import { HardSigmoid, HardSwish } from '../core/models/hardActivations.ts';
import { FUSED_OPS_FLAG } from '../core/models/fusedOpsFlag.ts';
import type { KernelOverrides } from './kernelOverrides.ts';
import { captureStudioKernels, setStudioKernels } from './setStudioKernels.ts';

/**
 * Activations for the batch-norm parity checks: a dense layer's, conv shapes with one and
 * several channel blocks and row slices, a large mean next to a small spread. `tolerance` is
 * the relative agreement two float32 implementations can promise: 1e-5, except where the mean
 * is 100 and the spread 0.06, and one ulp of the mean (7.6e-6) alone moves x − μ by 1.3e-4
 * of the spread.
 */
export const BATCH_NORM_PARITY_CASES: { shape: number[]; epsilon: number; offset: number; scale: number; tolerance: number }[] = [
  { shape: [4, 5, 6, 3], epsilon: 1e-3, offset: 0.5, scale: 3, tolerance: 1e-5 },
  { shape: [8, 16, 16, 8], epsilon: 1e-5, offset: -1, scale: 2, tolerance: 1e-5 },
  { shape: [2, 4, 4, 80], epsilon: 1e-5, offset: 0, scale: 1, tolerance: 1e-5 },
  { shape: [9, 5], epsilon: 1e-5, offset: 0, scale: 1, tolerance: 1e-5 },
  { shape: [4, 6, 6, 4], epsilon: 1e-3, offset: 100, scale: 0.1, tolerance: 3e-4 },
];

export type BatchNormPath = 'stock' | 'composed' | 'kernels';

export interface FusedOpTrace {
  /** Layer outputs of two training steps, then the gradients of x, γ and β of a third, then the moving mean and variance. */
  values: Record<string, Float32Array>;
  tensorsLeaked: number;
  /** The kernels the (last) training step ran, in order, one entry per run. */
  kernels: string[];
}

/**
 * A tfjs-layers BatchNormalization trained three steps on `path`: tfjs-layers' own ('stock':
 * the studio's kernels and fused batch norm off), the core's op of tfjs ops ('composed': fused
 * on, kernels off) or on the backend's batch-norm kernels ('kernels'). What was registered
 * on entry is put back.
 */
export async function batchNormTrace(kernels: KernelOverrides<never>, path: BatchNormPath, c: (typeof BATCH_NORM_PARITY_CASES)[number]): Promise<FusedOpTrace> {
  const restore = captureStudioKernels([kernels]);
  setStudioKernels([kernels], path === 'kernels');
  if (path === 'composed') tf.env().set(FUSED_OPS_FLAG, true);
  try {
    const channels = c.shape[c.shape.length - 1];
    const layer = withFusedBatchNormTraining(
      tfl.layers.batchNormalization({
        axis: -1,
        momentum: 0.9,
        epsilon: c.epsilon,
        gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 5 }),
        betaInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 6 }),
      }),
    );
    layer.build([null, ...c.shape.slice(1)]);
    const x = tf.variable(tf.tidy(() => tf.add(tf.mul(tf.randomUniform(c.shape, -1, 1, 'float32', 7), c.scale), c.offset)));
    const weights = tf.randomUniform(c.shape, -1, 1, 'float32', 8);
    const before = tf.memory().numTensors;
    const values: Record<string, Float32Array> = {};
    for (let step = 0; step < 2; step++) {
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      values[`y${step}`] = (await y.data()) as Float32Array;
      y.dispose();
    }
    const vars = [x, ...layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)];
    let grads: tf.NamedTensorMap = {};
    const profile = await tf.profile(() => {
      const step = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, weights)) as tf.Scalar, vars);
      step.value.dispose();
      grads = step.grads;
    });
    for (const [i, name] of ['dx', 'dGamma', 'dBeta'].entries()) values[name] = (await grads[vars[i].name].data()) as Float32Array;
    tf.dispose(Object.values(grads));
    const tensorsLeaked = tf.memory().numTensors - before;
    const [movingMean, movingVariance] = layer.getWeights().slice(2);
    values.movingMean = (await movingMean.data()) as Float32Array;
    values.movingVariance = (await movingVariance.data()) as Float32Array;
    if (values.movingMean.length !== channels) throw new Error('the layer has no moving mean of one value per channel');
    for (const w of layer.weights) w.dispose();
    tf.dispose([x, weights]);
    return { values, tensorsLeaked, kernels: profile.kernels.map((k) => k.name) };
  } finally {
    restore();
  }
}

/**
 * Shapes for the activation checks: a size the webgpu kernel runs four values at a time
 * (a multiple of 4) and one it runs one at a time.
 */
export const ACTIVATION_PARITY_SHAPES: readonly number[][] = [
  [4, 9, 9, 5],
  [3, 9, 9, 5],
];

/** Inputs for the activation checks, in (−9, 9): both sides of every kink (0 and 6 for relu6, ±3 for the hard ones) and the saturated tails of the sigmoids. */
export function activationParityInput(shape: readonly number[] = ACTIVATION_PARITY_SHAPES[0]): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.randomUniform([...shape], -1, 1, 'float32', 11), 9));
}

/**
 * An activation layer's output and input gradient in training (tfjs-layers' Activation, or
 * the zoo's HardSwish / HardSigmoid), on `path` as for batchNormTrace ('composed' does not
 * apply: without the kernel the layer keeps its own call).
 */
export async function activationTrace(
  kernels: KernelOverrides<never>,
  path: Exclude<BatchNormPath, 'composed'>,
  activation: FusedActivation,
  shape: readonly number[] = ACTIVATION_PARITY_SHAPES[0],
): Promise<FusedOpTrace> {
  const restore = captureStudioKernels([kernels]);
  setStudioKernels([kernels], path === 'kernels');
  try {
    const own = activation === 'hardSwish' ? new HardSwish() : activation === 'hardSigmoid' ? new HardSigmoid() : tfl.layers.activation({ activation });
    const layer = withFusedActivationTraining(own, activation);
    const x = tf.variable(activationParityInput(shape));
    const weights = tf.randomUniform(x.shape, -1, 1, 'float32', 12);
    const before = tf.memory().numTensors;
    let grads: tf.NamedTensorMap = {};
    let y: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      const step = tf.variableGrads(() => {
        const out = layer.apply(x, { training: true }) as tf.Tensor;
        y = tf.keep(out.clone());
        return tf.sum(tf.mul(out, weights)) as tf.Scalar;
      }, [x]);
      step.value.dispose();
      grads = step.grads;
    });
    const values = { y: (await y!.data()) as Float32Array, dx: (await grads[x.name].data()) as Float32Array };
    tf.dispose([y!, ...Object.values(grads)]);
    const tensorsLeaked = tf.memory().numTensors - before;
    tf.dispose([x, weights]);
    return { values, tensorsLeaked, kernels: profile.kernels.map((k) => k.name) };
  } finally {
    restore();
  }
}

/**
 * How many of `kernels` are launches: the backend's kernels but Identity, which only shares
 * a buffer (customGrad's plumbing); scope names in a profile are not kernels.
 */
export function launches(kernels: string[]): number {
  return kernels.filter((name) => name !== 'Identity' && tf.getKernel(name, tf.getBackend()) !== undefined).length;
}
