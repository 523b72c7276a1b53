import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { isNoDecayParam } from './isNoDecayParam.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { OptimizerSlots } from './optimizerSlots.ts';

/**
 * What SGD and Adam share: argument checks, the per-variable weight decay, the iteration
 * count and saving/restoring slots. Subclasses implement `update` for one variable; it runs
 * inside a tidy, so intermediate tensors need no disposing.
 */
export abstract class SlotOptimizer implements Optimizer {
  protected readonly slots: OptimizerSlots;
  protected readonly variables: tf.Variable[];
  /** Weight decay per variable, 0 for no-decay parameters when the config asks for it. */
  protected readonly decay: number[];
  /** Each variable's share of the step's lr (a backbone's `backboneLrFactor`, else 1). */
  protected readonly lrScale: number[];
  /** The update count when each variable joined (0: from the start); its own count is the difference. */
  private joined: number[];
  private count = 0;
  private disposed = false;

  constructor(
    readonly config: OptimizerConfig,
    variables: readonly tf.Variable[],
    slotNames: readonly string[],
    lrScale?: readonly number[],
  ) {
    if (lrScale && lrScale.length !== variables.length) throw new Error(`optimizer: ${lrScale.length} lr scales for ${variables.length} variables`);
    this.variables = [...variables];
    this.lrScale = lrScale ? [...lrScale] : variables.map(() => 1);
    this.decay = variables.map((v) => this.decayOf(v));
    this.joined = variables.map(() => 0);
    this.slots = new OptimizerSlots(slotNames, variables);
  }

  private decayOf(v: tf.Variable): number {
    return this.config.noDecayOnBiasAndNorm && isNoDecayParam(v) ? 0 : this.config.weightDecay;
  }

  addVariables(variables: readonly tf.Variable[], lrScale?: readonly number[]): void {
    if (this.disposed) throw new Error('optimizer: addVariables after dispose');
    if (lrScale && lrScale.length !== variables.length) throw new Error(`optimizer: ${lrScale.length} lr scales for ${variables.length} variables`);
    const held = new Set(this.variables.map((v) => v.name));
    const twice = variables.find((v) => held.has(v.name));
    if (twice) throw new Error(`optimizer: ${twice.name} is already optimized`);
    this.variables.push(...variables);
    this.lrScale.push(...(lrScale ?? variables.map(() => 1)));
    this.decay.push(...variables.map((v) => this.decayOf(v)));
    this.joined.push(...variables.map(() => this.count));
    this.slots.add(variables);
  }

  get iterations(): number {
    return this.count;
  }

  protected abstract update(index: number, grad: tf.Tensor, lr: number, iteration: number): void;

  step(grads: tf.Tensor[], lr: number): void {
    if (this.disposed) throw new Error('optimizer: step after dispose');
    if (!Number.isFinite(lr) || lr < 0) throw new Error(`optimizer: lr must be a finite number >= 0, got ${lr}`);
    if (grads.length !== this.variables.length) {
      throw new Error(`optimizer: got ${grads.length} gradients for ${this.variables.length} variables`);
    }
    grads.forEach((g, i) => {
      const want = this.variables[i].shape;
      if (g.shape.length !== want.length || g.shape.some((d, j) => d !== want[j])) {
        throw new Error(`optimizer: gradient ${i} has shape [${g.shape}], its variable [${want}]`);
      }
    });
    const iteration = this.count + 1;
    tf.tidy(() => grads.forEach((g, i) => this.update(i, g, lr * this.lrScale[i], iteration - this.joined[i])));
    this.count = iteration;
  }

  async getState(): Promise<OptimizerState> {
    const slots = await this.slots.read();
    return { type: this.config.type, iterations: this.count, slots, ...(this.joined.some((j) => j > 0) ? { joined: [...this.joined] } : {}) };
  }

  setState(state: OptimizerState): void {
    if (state.type !== this.config.type) throw new Error(`optimizer state is for ${state.type}, this optimizer is ${this.config.type}`);
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new Error(`optimizer state has iterations ${state.iterations}, expected an integer >= 0`);
    }
    const joined = state.joined ?? this.variables.map(() => 0);
    if (joined.length !== this.variables.length || joined.some((j) => !Number.isInteger(j) || j < 0 || j > state.iterations)) {
      throw new Error(`optimizer state's joined counts [${joined.join(', ')}] do not fit ${this.variables.length} variables and ${state.iterations} updates`);
    }
    this.slots.write(state.slots);
    this.joined = [...joined];
    this.count = state.iterations;
  }

  dispose(): void {
    this.slots.dispose();
    this.disposed = true;
  }
}
