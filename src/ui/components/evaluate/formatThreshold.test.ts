import { describe, expect, it } from 'vitest';
import { formatThreshold } from './formatThreshold.ts';

describe('formatThreshold', () => {
  it('writes 4 decimals, or every digit a finer threshold needs', () => {
    expect(formatThreshold(0.48)).toBe('0.4800');
    expect(formatThreshold(-0.2)).toBe('-0.2000');
    expect(formatThreshold(0.712345)).toBe('0.712345');
    expect(formatThreshold(Infinity)).toBe('∞ (accept none)');
  });
});
