import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums the gradients of several micro-batches so that one optimizer update sees their
 * mean: with a mean loss per micro-batch and equal micro-batch sizes, that mean equals the
 * gradient of the loss over the whole batch. The running sums are its own tensors, kept
 * out of any enclosing tf.tidy; the gradients handed to `add` stay the caller's.
 */
export class GradientAccumulator {
  private sums: tf.Tensor[] | null = null;
  private added = 0;

  get count(): number {
    return this.added;
  }

  add(grads: tf.Tensor[]): void {
    const previous = this.sums;
    if (previous === null) {
      this.sums = grads.map((g) => tf.keep(tf.clone(g)));
    } else {
      if (grads.length !== previous.length) {
        throw new Error(`GradientAccumulator: got ${grads.length} gradients, earlier micro-batches had ${previous.length}`);
      }
      grads.forEach((g, i) => {
        const want = previous[i].shape;
        if (g.shape.length !== want.length || g.shape.some((d, j) => d !== want[j])) {
          throw new Error(`GradientAccumulator: gradient ${i} has shape [${g.shape}], earlier ones [${want}]`);
        }
      });
      this.sums = tf.tidy(() => grads.map((g, i) => tf.keep(tf.add(previous[i], g))));
      tf.dispose(previous);
    }
    this.added += 1;
  }

  /** The mean of the gradients added since the last reset, as new tensors the caller disposes. */
  mean(): tf.Tensor[] {
    const sums = this.sums;
    if (sums === null) throw new Error('GradientAccumulator: mean() before any add()');
    const n = this.added;
    return tf.tidy(() => sums.map((s) => tf.div(s, n)));
  }

  reset(): void {
    if (this.sums !== null) tf.dispose(this.sums);
    this.sums = null;
    this.added = 0;
  }

  dispose(): void {
    this.reset();
  }
}
