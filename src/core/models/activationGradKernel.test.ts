import { describe, expect, it } from 'vitest';
import { activationGradArrays } from './activationGradKernel.ts';

// relu's and relu6's gradients select dy's bits by mask; they must give exactly what the
// plain conditional does, at the kinks and on the special values too (+0 where x is outside
// the open interval or NaN, dy's own bits — its sign, a NaN — inside).
describe.each([
  ['relu', (x: number) => x > 0],
  ['relu6', (x: number) => x > 0 && x < 6],
] as const)('%s′', (activation, inside) => {
  const x = Float32Array.of(-2, -0, 0, 1e-30, 0.5, 5.999999, 6, 6.5, Infinity, -Infinity, NaN, 3, 3, 3);
  const dy = Float32Array.of(1, 2, 3, -4, -0, 5, 6, 7, 8, 9, 10, NaN, -0, -Infinity);

  it('is dy where the activation passes x through, +0 elsewhere, bit for bit', () => {
    const want = Float32Array.from(x, (v, i) => (inside(v) ? dy[i]! : 0));
    const got = activationGradArrays(dy, x, activation);
    expect(Array.from(got).map((v) => Object.is(v, -0))).toEqual(Array.from(want).map((v) => Object.is(v, -0)));
    expect(got).toEqual(want);
  });

  it('reads inputs that are views into a larger buffer', () => {
    const big = new Float32Array(x.length + 3);
    big.set(x, 3);
    const dyBig = new Float32Array(dy.length + 1);
    dyBig.set(dy, 1);
    const plain = activationGradArrays(dy, x, activation);
    expect(activationGradArrays(dy, big.subarray(3), activation)).toEqual(plain);
    expect(activationGradArrays(dyBig.subarray(1), x, activation)).toEqual(plain);
  });
});
