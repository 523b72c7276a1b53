import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';

/**
 * An optimizer's resumable state. JSON-friendly apart from the Float32Arrays: each slot
 * (e.g. Adam's exp_avg) holds one tensor per variable, in the order of the variables list
 * the optimizer was created with.
 */
export interface OptimizerState {
  type: OptimizerConfig['type'];
  iterations: number;
  slots: { name: string; tensors: { shape: number[]; data: Float32Array }[] }[];
  /**
   * For variables added after the start (`addVariables`): the update count when each
   * joined, in variables order. Left out when every variable trained from the first update.
   */
  joined?: number[];
}

/**
 * Updates a fixed list of variables from their gradients with PyTorch's semantics. The
 * caller computes the gradients (grads[i] belongs to variables[i]), picks the lr of each
 * update (from a schedule) and still owns the gradient tensors afterwards.
 */
export interface Optimizer {
  readonly config: OptimizerConfig;
  step(grads: tf.Tensor[], lr: number): void;
  /**
   * Variables that start training now (a backbone unfrozen mid-run), appended to the list:
   * fresh zero slots and their own update count from 1, as torch keeps per-parameter state
   * that begins at a parameter's first gradient. `lrScale` as in createOptimizer (default 1).
   */
  addVariables(variables: readonly tf.Variable[], lrScale?: readonly number[]): void;
  getState(): Promise<OptimizerState>;
  setState(state: OptimizerState): void;
  dispose(): void;
  /** Updates applied so far (Adam's bias correction uses it). */
  readonly iterations: number;
}
