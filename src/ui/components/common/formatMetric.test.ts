import { describe, expect, it } from 'vitest';
import { formatMetric } from './formatMetric.ts';

describe('formatMetric', () => {
  it('keeps four significant digits and uses exponents for learning-rate sized values', () => {
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatMetric(12)).toBe('12');
    expect(formatMetric(0.0003)).toBe('3.00e-4');
    expect(formatMetric(250000)).toBe('2.50e+5');
    expect(formatMetric(0)).toBe('0');
    expect(formatMetric(Number.NaN)).toBe('NaN');
  });
});
