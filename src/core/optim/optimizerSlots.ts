import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerState } from './optimizer.ts';

/**
 * Per-variable buffers an optimizer keeps between steps (momentum, Adam's moments), created
 * up front as zeros so that state can be saved before the first step and every step reuses
 * the same variables instead of allocating.
 */
export class OptimizerSlots {
  private readonly buffers: Map<string, tf.Variable[]>;

  constructor(
    readonly names: readonly string[],
    variables: readonly tf.Variable[],
  ) {
    this.buffers = new Map(
      names.map((name) => [name, variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)))]),
    );
  }

  /** Zero buffers for variables that join after the start, appended in order. */
  add(variables: readonly tf.Variable[]): void {
    for (const buffers of this.buffers.values()) {
      for (const v of variables) buffers.push(tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    }
  }

  get(name: string): tf.Variable[] {
    const buffers = this.buffers.get(name);
    if (!buffers) throw new Error(`optimizer: no slot named ${name}`);
    return buffers;
  }

  async read(): Promise<OptimizerState['slots']> {
    return Promise.all(
      this.names.map(async (name) => ({
        name,
        tensors: await Promise.all(
          this.get(name).map(async (t) => ({ shape: [...t.shape], data: Float32Array.from(await t.data()) })),
        ),
      })),
    );
  }

  /** Validates everything before assigning anything, so a bad state leaves the slots as they were. */
  write(slots: OptimizerState['slots']): void {
    const names = slots.map((s) => s.name);
    if (names.length !== this.names.length || names.some((n, i) => n !== this.names[i])) {
      throw new Error(`optimizer state has slots [${names.join(', ')}], expected [${this.names.join(', ')}]`);
    }
    for (const slot of slots) {
      const target = this.get(slot.name);
      if (slot.tensors.length !== target.length) {
        throw new Error(`optimizer state slot ${slot.name} has ${slot.tensors.length} tensors, expected ${target.length}`);
      }
      slot.tensors.forEach((t, i) => {
        const want = target[i].shape;
        const size = want.reduce((a, b) => a * b, 1);
        if (t.shape.length !== want.length || t.shape.some((d, j) => d !== want[j]) || t.data.length !== size) {
          throw new Error(`optimizer state slot ${slot.name}[${i}] has shape [${t.shape}], expected [${want}]`);
        }
      });
    }
    for (const slot of slots) {
      const target = this.get(slot.name);
      slot.tensors.forEach((t, i) => tf.tidy(() => target[i].assign(tf.tensor(t.data, t.shape, 'float32'))));
    }
  }

  dispose(): void {
    for (const buffers of this.buffers.values()) for (const b of buffers) b.dispose();
    this.buffers.clear();
  }
}
