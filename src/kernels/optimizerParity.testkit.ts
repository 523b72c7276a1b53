import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../core/optim/createOptimizer.ts';
import type { OptimizerConfig } from '../core/spec/runSpec.ts';
import type { KernelOverrides } from './kernelOverrides.ts';

/** Every path of the fused steps: Adam with and without L2 decay, AdamW, SGD momentum with decay, Nesterov. */
export const OPTIMIZER_PARITY_CONFIGS: OptimizerConfig[] = [
  { type: 'adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, noDecayOnBiasAndNorm: false },
  { type: 'adam', lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1, noDecayOnBiasAndNorm: false },
  { type: 'adamw', lr: 0.003, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.05, noDecayOnBiasAndNorm: false },
  { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.0005, noDecayOnBiasAndNorm: false },
  { type: 'sgd', lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0, noDecayOnBiasAndNorm: false },
] as OptimizerConfig[];

export const parityConfigLabel = (c: OptimizerConfig) => `${c.type}${'nesterov' in c && c.nesterov ? ' nesterov' : ''} wd ${c.weightDecay}`;

/** Variable shapes for the checks: 185 values (the webgpu steps run one at a time) and 180 (four at a time). */
export const OPTIMIZER_PARITY_SHAPES: readonly number[][] = [
  [37, 5],
  [36, 5],
];

/**
 * A variable's values and its optimizer slots' after `steps` steps on seeded gradients with a
 * varying lr: with `kernels` registered (the fused steps) or not (the composed ones), and the
 * live tensor count before and after the steps. The registration found on entry is put back.
 */
export async function optimizerAfterSteps(
  config: OptimizerConfig,
  kernels: KernelOverrides<never>,
  fused: boolean,
  shape: readonly number[] = OPTIMIZER_PARITY_SHAPES[0],
  steps = 5,
): Promise<{ param: Float32Array; slots: Float32Array[]; tensorsBefore: number; tensorsAfter: number }> {
  const was = kernels.registered;
  if (fused) kernels.register();
  else kernels.unregister();
  try {
    const p = tf.variable(tf.randomUniform([...shape], -1, 1, 'float32', 1));
    const opt = createOptimizer(config, [p]);
    const tensorsBefore = tf.memory().numTensors;
    for (let t = 0; t < steps; t++) {
      const grad = tf.randomNormal([...shape], 0, 1, 'float32', 10 + t);
      opt.step([grad], config.lr * (1 + t / 2));
      grad.dispose();
    }
    const tensorsAfter = tf.memory().numTensors;
    const state = await opt.getState();
    const result = { param: (await p.data()) as Float32Array, slots: state.slots.map((s) => s.tensors[0].data), tensorsBefore, tensorsAfter };
    opt.dispose();
    p.dispose();
    return result;
  } finally {
    if (was) kernels.register();
    else kernels.unregister();
  }
}
