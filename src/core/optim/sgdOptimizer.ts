import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { SGD_UPDATE_KERNEL, type SgdUpdateAttrs } from './sgdUpdateKernel.ts';
import { SlotOptimizer } from './slotOptimizer.ts';

type SgdConfig = Extract<OptimizerConfig, { type: 'sgd' }>;

/**
 * torch.optim.SGD with dampening 0: coupled weight decay (g += wd·p), momentum buffer
 * buf = μ·buf + g (the first step's buf is g: the zero-initialized buffer gives exactly
 * that), Nesterov g + μ·buf, then p −= lr·g. With momentum, one fused kernel per variable
 * where the backend has it (SGD_UPDATE_KERNEL), else the same formula composed from tfjs ops.
 */
export class SgdOptimizer extends SlotOptimizer {
  declare readonly config: SgdConfig;

  constructor(config: SgdConfig, variables: readonly tf.Variable[], lrScale?: readonly number[]) {
    super(config, variables, config.momentum > 0 ? ['momentum'] : [], lrScale);
  }

  protected update(i: number, grad: tf.Tensor, lr: number): void {
    const { momentum, nesterov } = this.config;
    const p = this.variables[i];
    if (momentum > 0 && tf.getKernel(SGD_UPDATE_KERNEL, tf.getBackend())) {
      const bufVar = this.slots.get('momentum')[i];
      const attrs: SgdUpdateAttrs = { lr, momentum, weightDecay: this.decay[i], nesterov };
      const [pNext, bufNext] = tf.engine().runKernel(SGD_UPDATE_KERNEL, { param: p, grad, buf: bufVar }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      bufVar.assign(bufNext);
      p.assign(pNext);
      return;
    }
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
