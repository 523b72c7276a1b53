import * as tf from '@tensorflow/tfjs-core';
import { AdamOptimizer } from '../core/optim/adamOptimizer.ts';
import type { OptimizerState } from '../core/optim/optimizer.ts';
import type { OptimizerConfig } from '../core/spec/runSpec.ts';
import type { KernelOverrides } from './kernelOverrides.ts';

type AdamConfig = Extract<OptimizerConfig, { type: 'adam' | 'adamw' }>;

/** Adam without decay, Adam with L2 decay, AdamW with decoupled decay: the three paths of the fused step. */
export const ADAM_PARITY_CONFIGS: AdamConfig[] = [
  { type: 'adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, noDecayOnBiasAndNorm: false },
  { type: 'adam', lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1, noDecayOnBiasAndNorm: false },
  { type: 'adamw', lr: 0.003, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.05, noDecayOnBiasAndNorm: false },
];

function slot(state: OptimizerState, name: string): Float32Array {
  const found = state.slots.find((s) => s.name === name);
  if (!found) throw new Error(`no slot ${name}`);
  return found.tensors[0].data;
}

/**
 * A variable's values, and its two moments', after `steps` Adam steps on seeded gradients
 * with a varying lr: with `kernels` registered (the fused step) or not (the composed one).
 * The registration found on entry is put back.
 */
export async function adamAfterSteps(
  config: AdamConfig,
  kernels: KernelOverrides<never>,
  fused: boolean,
  steps = 5,
): Promise<{ param: Float32Array; m: Float32Array; v: Float32Array; tensorsBefore: number; tensorsAfter: number }> {
  const was = kernels.registered;
  if (fused) kernels.register();
  else kernels.unregister();
  try {
    const p = tf.variable(tf.randomUniform([37, 5], -1, 1, 'float32', 1));
    const opt = new AdamOptimizer(config, [p]);
    const tensorsBefore = tf.memory().numTensors;
    for (let t = 0; t < steps; t++) {
      const grad = tf.randomNormal([37, 5], 0, 1, 'float32', 10 + t);
      opt.step([grad], config.lr * (1 + t / 2));
      grad.dispose();
    }
    const tensorsAfter = tf.memory().numTensors;
    const state = await opt.getState();
    const result = {
      param: (await p.data()) as Float32Array,
      m: slot(state, 'exp_avg'),
      v: slot(state, 'exp_avg_sq'),
      tensorsBefore,
      tensorsAfter,
    };
    opt.dispose();
    p.dispose();
    return result;
  } finally {
    if (was) kernels.register();
    else kernels.unregister();
  }
}
