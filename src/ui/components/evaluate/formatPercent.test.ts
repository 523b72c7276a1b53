import { describe, expect, it } from 'vitest';
import { formatPercent } from './formatPercent.ts';

describe('formatPercent', () => {
  it('writes a share as a percentage with the asked decimals', () => {
    expect(formatPercent(0.9342)).toBe('93.4 %');
    expect(formatPercent(1, 0)).toBe('100 %');
    expect(formatPercent(0.00051, 2)).toBe('0.05 %');
  });

  it('has a dash for a missing or non-finite value', () => {
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});
