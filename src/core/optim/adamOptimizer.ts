import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { SlotOptimizer } from './slotOptimizer.ts';

type AdamConfig = Extract<OptimizerConfig, { type: 'adam' | 'adamw' }>;

/**
 * torch.optim.Adam and torch.optim.AdamW (one class: they differ only in where weight
 * decay enters). Adam adds L2 decay to the gradient (g += wd·p); AdamW first shrinks the
 * parameter, p ← p·(1 − lr·wd). Then, as torch: bias-corrected moments and
 * p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps), eps outside the square root.
 */
export class AdamOptimizer extends SlotOptimizer {
  declare readonly config: AdamConfig;

  constructor(config: AdamConfig, variables: readonly tf.Variable[]) {
    super(config, variables, ['exp_avg', 'exp_avg_sq']);
  }

  protected update(i: number, grad: tf.Tensor, lr: number, iteration: number): void {
    const { betas, eps, type } = this.config;
    const [beta1, beta2] = betas;
    const wd = this.decay[i];
    const p = this.variables[i];
    const m = this.slots.get('exp_avg')[i];
    const v = this.slots.get('exp_avg_sq')[i];

    let g = grad;
    let param: tf.Tensor = p;
    if (wd > 0 && type === 'adam') g = tf.add(g, tf.mul(p, wd));
    if (wd > 0 && type === 'adamw') param = tf.mul(p, 1 - lr * wd);

    const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
    const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
    m.assign(mNext);
    v.assign(vNext);

    const stepSize = lr / (1 - beta1 ** iteration);
    const denom = tf.add(tf.div(tf.sqrt(vNext), Math.sqrt(1 - beta2 ** iteration)), eps);
    p.assign(tf.sub(param, tf.mul(tf.div(mNext, denom), stepSize)));
  }
}
