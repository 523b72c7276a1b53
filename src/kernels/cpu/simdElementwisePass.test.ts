import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVATION_GRAD_KERNEL } from '../../core/models/activationGradKernel.ts';
import { simdElementwisePass } from './simdElementwisePass.ts';
import { setSimdKernels } from './wasm/simdKernels.ts';

afterEach(() => setSimdKernels(true));

/** Random values with the awkward ones mixed in: NaN, ±0, ±∞, a subnormal, huge and tiny. */
function awkward(n: number, seed: number): Float32Array {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const special = [NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 1e-30];
  return Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? special[(i / 13) % special.length] : random() * 10));
}

const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

// A length that is not a whole number of vectors, and one that is.
describe.each([1027, 4096])('simdElementwisePass on %i values', (n) => {
  const a = awkward(n, 1);
  const b = awkward(n, 2);
  // The reference: each value as one float64 operation rounded to float32, as tfjs-cpu computes it.
  const references = {
    addF32: (i: number) => Math.fround(a[i] + b[i]),
    subF32: (i: number) => Math.fround(a[i] - b[i]),
    mulF32: (i: number) => Math.fround(a[i] * b[i]),
    divF32: (i: number) => Math.fround(a[i] / b[i]),
    // tfjs-cpu's relu, max(0, x): NaN stays NaN (its bits), −0 becomes +0.
    reluF32: (i: number) => (Number.isNaN(a[i]) ? a[i] : Math.max(0, a[i])),
    // relu′ as tfjs differentiates it: dy where x > 0, else 0 (dy at a, x at b).
    reluGradF32: (i: number) => (b[i] > 0 ? a[i] : 0),
  } as const;

  it.each(Object.keys(references) as (keyof typeof references)[])('%s gives the reference’s bits', (fn) => {
    const out = new Float32Array(n);
    expect(simdElementwisePass(fn, fn === 'reluF32' ? [a] : [a, b], out)).toBe(true);
    const expected = Float32Array.from({ length: n }, (_, i) => references[fn](i));
    expect(bits(out)).toEqual(bits(expected));
  });
});

describe('the kernels that use it', () => {
  it('declines short arrays and SIMD turned off, leaving the loop to the caller', () => {
    expect(simdElementwisePass('addF32', [new Float32Array(100), new Float32Array(100)], new Float32Array(100))).toBe(false);
    setSimdKernels(false);
    expect(simdElementwisePass('addF32', [new Float32Array(2048), new Float32Array(2048)], new Float32Array(2048))).toBe(false);
  });

  it('gives the same tensors with SIMD on and off: arithmetic, relu and its gradient', () => {
    const x = tf.tensor(awkward(3001, 3), [3001]);
    const y = tf.tensor(awkward(3001, 4), [3001]);
    const run = () => [tf.add(x, y), tf.sub(x, y), tf.mul(x, y), tf.div(x, y), tf.relu(x), tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy: y, x }, { activation: 'relu' }) as tf.Tensor].map((t) => {
      const values = bits(t.dataSync() as Float32Array);
      t.dispose();
      return values;
    });
    const simd = run();
    setSimdKernels(false);
    expect(run()).toEqual(simd);
    tf.dispose([x, y]);
  });
});
