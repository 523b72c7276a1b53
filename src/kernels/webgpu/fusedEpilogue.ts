import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The activations tfjs-backend-webgpu fuses into a convolution or a product, except prelu (which reads a tensor per element; stock runs it). */
const ACTIVATIONS = {
  linear: 'return a;',
  relu: 'return select(a, 0.0, a < 0.0);',
  relu6: 'return clamp(a, 0.0, 6.0);',
  elu: 'if (a >= 0.0) { return a; } return exp(a) - 1.0;',
  sigmoid: 'return 1.0 / (1.0 + exp(-1.0 * a));',
  leakyrelu: 'if (a < 0.0) { return LEAKY_ALPHA * a; } return a;',
} as const;

export type EpilogueActivation = keyof typeof ACTIVATIONS;

/**
 * What a fused convolution or product does to each sum before writing it: add the bias of
 * its output channel (column), then the activation, with the formulas tfjs-backend-webgpu's own fused kernels
 * use (so results match stock to the last bit where the sums do). The bias is the program's
 * last input, named `bias`.
 */
export interface FusedEpilogue {
  bias: boolean;
  activation: EpilogueActivation;
  leakyreluAlpha: number;
}

export const NO_EPILOGUE: FusedEpilogue = { bias: false, activation: 'linear', leakyreluAlpha: 0 };

/**
 * The epilogue of a `FusedConv2D` or `_FusedMatMul` call (`outChannels`: the result's last dimension), or undefined when the studio does not cover it
 * (prelu, a bias that is not one value per output channel, a non-float32 bias): stock runs those.
 */
export function fusedEpilogue(attrs: NamedAttrMap, bias: TensorInfo | undefined, outChannels: number): FusedEpilogue | undefined {
  const activation = (attrs.activation ?? 'linear') as string;
  if (!Object.hasOwn(ACTIVATIONS, activation)) return undefined;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== outChannels)) return undefined;
  return { bias: bias !== undefined, activation: activation as EpilogueActivation, leakyreluAlpha: Number(attrs.leakyreluAlpha ?? 0.2) };
}

/** The epilogue's part of a shader key: everything it compiles into the source. */
export function epilogueKey(e: FusedEpilogue): string {
  return `${e.bias ? 'bias' : 'nobias'}_${e.activation}${e.activation === 'leakyrelu' ? `_${floatBits(e.leakyreluAlpha)}` : ''}`;
}

/** `fn epilogue(value : f32, col : i32) -> f32`, `col` being the output channel. */
export function epilogueWgsl(e: FusedEpilogue): string {
  // The alpha is compiled in by its bits: a decimal rendering could round differently from the float32 tfjs uploads.
  const alpha = e.activation === 'leakyrelu' ? `const LEAKY_ALPHA = bitcast<f32>(${floatBits(e.leakyreluAlpha)}u);` : '';
  return `
      ${alpha}
      fn activation(a : f32) -> f32 {
        ${ACTIVATIONS[e.activation]}
      }
      fn epilogue(value : f32, col : i32) -> f32 {
        return activation(value${e.bias ? ' + bias[col]' : ''});
      }`;
}

function floatBits(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0];
}
