/**
 * The fused SGD-with-momentum step a backend may provide (see adamUpdateKernel.ts for why):
 * inputs `param`, `grad`, `buf` (the momentum buffer), outputs [param', buf'].
 * `SgdOptimizer` calls it when the active backend has it and momentum is on, and composes
 * tfjs ops to the same formula otherwise.
 */
export const SGD_UPDATE_KERNEL = 'StudioSgdUpdate';

export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  /** Coupled weight decay, g + wd·p; 0 for none. */
  weightDecay: number;
  nesterov: boolean;
}

/**
 * The step over whole arrays in float32, each operation rounded as tfjs's composed ops round
 * it: the cpu kernel, and the reference every fused implementation is held to.
 */
export function sgdUpdateArrays(
  inputs: { param: Float32Array; grad: Float32Array; buf: Float32Array },
  a: SgdUpdateAttrs,
  out: { param: Float32Array; buf: Float32Array },
): void {
  const f = Math.fround;
  const [lr, momentum, wd] = [a.lr, a.momentum, a.weightDecay].map(f);
  const { param: p, grad: g, buf: b } = inputs;
  for (let i = 0; i < p.length; i++) {
    const grad = wd === 0 ? g[i] : f(g[i] + f(p[i] * wd));
    const buf = f(f(b[i] * momentum) + grad);
    const step = a.nesterov ? f(grad + f(buf * momentum)) : buf;
    out.param[i] = p[i] - f(step * lr);
    out.buf[i] = buf;
  }
}
