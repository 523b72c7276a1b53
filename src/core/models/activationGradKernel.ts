/**
 * The one-kernel activation gradient a backend may provide (see batchNormKernels.ts for why):
 * inputs `dy`, `x` (the activation's input) of one shape, attrs `activation`, output dx.
 * tfjs differentiates relu6 (tfjs-layers' minimum(6, relu(x))) in five kernels, swish in
 * seven, hardSwish in ten, sigmoid and relu in two or three; MobileNetV2 has 35 relu6 and
 * EfficientNet-B0 49 swish, each run once per step. `activationTraining` uses it when the active backend has it.
 */
export const ACTIVATION_GRAD_KERNEL = 'StudioActivationGrad';

/**
 * The forward of the activations tfjs composes from several kernels (swish: sigmoid and a
 * multiply; hardSigmoid: add, relu6, divide; hardSwish: those and a multiply) in one kernel a
 * backend may provide: input `x`, attrs `activation` (one of COMPOSITE_ACTIVATIONS), the same
 * values as the composition. `activationTraining` uses it when the active backend has it.
 */
export const ACTIVATION_KERNEL = 'StudioActivation';

/** The activations with a fused gradient, as tfjs-layers and the zoo (hardActivations.ts) name them. */
export const FUSED_ACTIVATIONS = ['relu', 'relu6', 'swish', 'sigmoid', 'hardSigmoid', 'hardSwish'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export interface ActivationGradAttrs {
  activation: FusedActivation;
}

/** Those whose forward tfjs runs as several kernels. */
export const COMPOSITE_ACTIVATIONS = ['swish', 'hardSigmoid', 'hardSwish'] as const satisfies readonly FusedActivation[];
export type CompositeActivation = (typeof COMPOSITE_ACTIVATIONS)[number];

export function isCompositeActivation(name: string): name is CompositeActivation {
  return (COMPOSITE_ACTIVATIONS as readonly string[]).includes(name);
}

export function isFusedActivation(name: string): name is FusedActivation {
  return (FUSED_ACTIVATIONS as readonly string[]).includes(name);
}

/** The kernel's `activation` attr, checked: an added kernel has no stock kernel to fall back to. */
export function activationAttr(attrs: object): FusedActivation {
  const { activation } = attrs as Partial<ActivationGradAttrs>;
  if (typeof activation !== 'string' || !isFusedActivation(activation)) throw new Error(`${ACTIVATION_GRAD_KERNEL}: unknown activation '${String(activation)}'`);
  return activation;
}

/** ACTIVATION_KERNEL's `activation` attr, checked: an added kernel has no stock kernel to fall back to. */
export function compositeActivationAttr(attrs: object): CompositeActivation {
  const activation = String((attrs as { activation?: unknown }).activation);
  if (!isCompositeActivation(activation)) throw new Error(`${ACTIVATION_KERNEL}: '${activation}' is not one of ${COMPOSITE_ACTIVATIONS.join(', ')}`);
  return activation;
}

/** A float32 array's bits, for selecting values by mask. */
export function bitsOf(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/**
 * dx = dy · f′(x), with tfjs's choice at the kinks (relu′(0) = 0; relu6′ is 1 only on the open
 * interval (0, 6), as minimum(6, relu(x)) differentiates) and σ = 1/(1 + e⁻ˣ):
 * swish′ = σ + x·σ·(1 − σ), sigmoid′ = σ·(1 − σ); hardSigmoid(x) = relu6(x + 3)/6 has slope
 * 1/6 where 0 < x + 3 ≤ 6 (tfjs's relu6 gradient mask, on x + 3 rounded to float32), and
 * hardSwish′ = hardSigmoid(x) + x·hardSigmoid′(x). Each multiply rounded to float32.
 */
export function activationGradArrays(dy: Float32Array, x: Float32Array, activation: FusedActivation, out?: Float32Array): Float32Array {
  const f = Math.fround;
  // Every value is written: `out` (a host's reused array of x's length) may hold anything.
  const dx = out ?? new Float32Array(x.length);
  switch (activation) {
    // `x > 0 ? dy : 0` as a bit mask over dy's bits (+0 where the mask is clear): no branch
    // per value, which activations of random sign mispredict half the time (2× the branchy loop).
    case 'relu': {
      const dyBits = bitsOf(dy);
      const dxBits = bitsOf(dx);
      for (let i = 0; i < x.length; i++) dxBits[i] = dyBits[i] & -+(x[i] > 0);
      break;
    }
    case 'relu6': {
      const dyBits = bitsOf(dy);
      const dxBits = bitsOf(dx);
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        dxBits[i] = dyBits[i] & -(+(v > 0) & +(v < 6));
      }
      break;
    }
    case 'swish':
      for (let i = 0; i < x.length; i++) {
        const s = 1 / (1 + Math.exp(-x[i]));
        dx[i] = f(dy[i] * (s + x[i] * s * (1 - s)));
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < x.length; i++) {
        const s = 1 / (1 + Math.exp(-x[i]));
        dx[i] = f(dy[i] * s * (1 - s));
      }
      break;
    case 'hardSigmoid':
    case 'hardSwish':
      for (let i = 0; i < x.length; i++) {
        const t = f(x[i] + 3);
        const slope = t > 0 && t <= 6 ? 1 / 6 : 0;
        const d = activation === 'hardSigmoid' ? slope : f(Math.min(Math.max(t, 0), 6) / 6) + x[i] * slope;
        dx[i] = f(dy[i] * d);
      }
      break;
    default:
      throw new Error(`${ACTIVATION_GRAD_KERNEL}: unknown activation '${activation as string}'`);
  }
  return dx;
}
