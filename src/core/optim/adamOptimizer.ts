import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './adamUpdateKernel.ts';
import { SlotOptimizer } from './slotOptimizer.ts';

type AdamConfig = Extract<OptimizerConfig, { type: 'adam' | 'adamw' }>;

/**
 * torch.optim.Adam and torch.optim.AdamW (one class: they differ only in where weight
 * decay enters). Adam adds L2 decay to the gradient (g += wd·p); AdamW first shrinks the
 * parameter, p ← p·(1 − lr·wd). Then, as torch: bias-corrected moments and
 * p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps), eps outside the square root.
 * One fused kernel per variable where the backend has it (ADAM_UPDATE_KERNEL), else the
 * same formula composed from tfjs ops.
 */
export class AdamOptimizer extends SlotOptimizer {
  declare readonly config: AdamConfig;

  constructor(config: AdamConfig, variables: readonly tf.Variable[], lrScale?: readonly number[]) {
    super(config, variables, ['exp_avg', 'exp_avg_sq'], lrScale);
  }

  protected update(i: number, grad: tf.Tensor, lr: number, iteration: number): void {
    const { betas, eps, type } = this.config;
    const [beta1, beta2] = betas;
    const wd = this.decay[i];
    const p = this.variables[i];
    const m = this.slots.get('exp_avg')[i];
    const v = this.slots.get('exp_avg_sq')[i];
    const attrs: AdamUpdateAttrs = {
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      eps,
      stepSize: lr / (1 - beta1 ** iteration),
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** iteration),
      l2: wd > 0 && type === 'adam' ? wd : 0,
      shrink: wd > 0 && type === 'adamw' ? 1 - lr * wd : 1,
    };
    if (tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend())) {
      const [pNext, mNext, vNext] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { param: p, grad, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(mNext);
      v.assign(vNext);
      p.assign(pNext);
      return;
    }

    const g = attrs.l2 > 0 ? tf.add(grad, tf.mul(p, attrs.l2)) : grad;
    const param = attrs.shrink !== 1 ? tf.mul(p, attrs.shrink) : p;
    const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, attrs.oneMinusBeta1));
    const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.mul(g, g), attrs.oneMinusBeta2));
    m.assign(mNext);
    v.assign(vNext);
    const denom = tf.add(tf.div(tf.sqrt(vNext), attrs.biasCorrection2Sqrt), eps);
    p.assign(tf.sub(param, tf.mul(tf.div(mNext, denom), attrs.stepSize)));
  }
}
