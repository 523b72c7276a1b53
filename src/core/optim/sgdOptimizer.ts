import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { SlotOptimizer } from './slotOptimizer.ts';

type SgdConfig = Extract<OptimizerConfig, { type: 'sgd' }>;

/**
 * torch.optim.SGD with dampening 0: coupled weight decay (g += wd·p), momentum buffer
 * buf = μ·buf + g (the first step's buf is g: the zero-initialized buffer gives exactly
 * that), Nesterov g + μ·buf, then p −= lr·g.
 */
export class SgdOptimizer extends SlotOptimizer {
  declare readonly config: SgdConfig;

  constructor(config: SgdConfig, variables: readonly tf.Variable[]) {
    super(config, variables, config.momentum > 0 ? ['momentum'] : []);
  }

  protected update(i: number, grad: tf.Tensor, lr: number): void {
    const { momentum, nesterov } = this.config;
    const p = this.variables[i];
    let g = this.decay[i] > 0 ? tf.add(grad, tf.mul(p, this.decay[i])) : grad;
    if (momentum > 0) {
      const bufVar = this.slots.get('momentum')[i];
      const buf = tf.add(tf.mul(bufVar, momentum), g);
      bufVar.assign(buf);
      g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
    }
    p.assign(tf.sub(p, tf.mul(g, lr)));
  }
}
