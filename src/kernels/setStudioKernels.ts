import * as tf from '@tensorflow/tfjs-core';
import { FUSED_OPS_FLAG } from '../core/models/fusedOpsFlag.ts';
import type { KernelOverrides } from './kernelOverrides.ts';

/**
 * The one switch between the studio's speed-ups and stock tfjs: registers (or puts back the
 * stock kernels of) each kernel set, and turns the core's fused training ops on (or off), so
 * that "stock" in STUDIO_STOCK_KERNELS=1, `?kernels=stock` and the bench means tfjs's own
 * kernels and tfjs's own training graph.
 */
export function setStudioKernels(sets: readonly KernelOverrides<never>[], on: boolean): void {
  for (const set of sets) {
    if (on) set.register();
    else set.unregister();
  }
  tf.env().set(FUSED_OPS_FLAG, on);
}

/** A function that puts the sets' registration and the fused ops' flag back as they are now (after a comparison). */
export function captureStudioKernels(sets: readonly KernelOverrides<never>[]): () => void {
  const registered = sets.map((set) => set.registered);
  const fused = tf.env().getBool(FUSED_OPS_FLAG);
  return () => {
    sets.forEach((set, i) => (registered[i] ? set.register() : set.unregister()));
    tf.env().set(FUSED_OPS_FLAG, fused);
  };
}
