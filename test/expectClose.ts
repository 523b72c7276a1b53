import { expect } from 'vitest';

/**
 * numpy.allclose-style check for float32 results against float64 references:
 * |actual - expected| <= atol + rtol * |expected| element-wise, naming the first miss.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: { rtol?: number; atol?: number; what?: string } = {}): void {
  const { rtol = 1e-5, atol = 1e-6, what = 'element' } = opts;
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      expect.fail(`${what} ${i}: got ${actual[i]}, expected ${expected[i]} ± ${tolerance}`);
    }
  }
}
