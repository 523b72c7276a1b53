/**
 * The fused Adam / AdamW step a backend may provide: inputs `param`, `grad`, `m`, `v` (one
 * variable, its gradient and its two moments, all float32 of one shape), outputs
 * [param', m', v']. A composed step is 13 kernel launches and 7 scalar uploads per variable,
 * thousands per training step, which on a GPU is launch overhead rather than arithmetic;
 * the studio registers this kernel for cpu and webgpu (`src/kernels`). The core stays
 * backend-free: `AdamOptimizer` calls it only when the active backend has it, and composes
 * tfjs ops otherwise, to the same formula.
 */
export const ADAM_UPDATE_KERNEL = 'StudioAdamUpdate';

/** Per-step constants, computed once in float64 on the host as the composed step does. */
export interface AdamUpdateAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  eps: number;
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
  /** √(1 − β2ᵗ). */
  biasCorrection2Sqrt: number;
  /** Adam's L2 decay, folded into the gradient as g + l2·p; 0 for none. */
  l2: number;
  /** AdamW's decoupled decay, p·(1 − lr·wd) before the step; 1 for none. */
  shrink: number;
}

/**
 * The step over whole arrays in float32, each operation rounded as tfjs's composed ops round
 * it: the cpu kernel, and the reference every fused implementation is held to.
 */
export function adamUpdateArrays(
  inputs: { param: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array },
  a: AdamUpdateAttrs,
  out: { param: Float32Array; m: Float32Array; v: Float32Array },
): void {
  const f = Math.fround;
  const [l2, shrink, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, stepSize] = [
    a.l2,
    a.shrink,
    a.beta1,
    a.oneMinusBeta1,
    a.beta2,
    a.oneMinusBeta2,
    a.biasCorrection2Sqrt,
    a.eps,
    a.stepSize,
  ].map(f);
  const { param: p, grad: g, m, v } = inputs;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    const grad = l2 === 0 ? g[i] : f(g[i] + f(pi * l2));
    const param = shrink === 1 ? pi : f(pi * shrink);
    const mNext = f(f(m[i] * beta1) + f(grad * oneMinusBeta1));
    const vNext = f(f(v[i] * beta2) + f(f(grad * grad) * oneMinusBeta2));
    const denom = f(f(f(Math.sqrt(vNext)) / bc2) + eps);
    out.param[i] = param - f(f(mNext / denom) * stepSize);
    out.m[i] = mNext;
    out.v[i] = vNext;
  }
}
