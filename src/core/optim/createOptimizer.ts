import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { AdamOptimizer } from './adamOptimizer.ts';
import type { Optimizer } from './optimizer.ts';
import { SgdOptimizer } from './sgdOptimizer.ts';

/**
 * The optimizer a RunSpec names, over `variables`; step's grads[i] is the gradient of
 * variables[i], updated at the step's lr × lrScale[i] (PyTorch's parameter groups: a
 * backbone at `backboneLrFactor`).
 */
export function createOptimizer(config: OptimizerConfig, variables: tf.Variable[], lrScale?: readonly number[]): Optimizer {
  switch (config.type) {
    case 'sgd':
      return new SgdOptimizer(config, variables, lrScale);
    case 'adam':
    case 'adamw':
      return new AdamOptimizer(config, variables, lrScale);
    default: {
      const unknown: never = config;
      throw new Error(`unknown optimizer type: ${(unknown as { type: string }).type}`);
    }
  }
}
