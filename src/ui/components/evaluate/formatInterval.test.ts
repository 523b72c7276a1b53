import { describe, expect, it } from 'vitest';
import { formatInterval } from './formatInterval.ts';

describe('formatInterval', () => {
  it('writes a share’s interval as percentages and a score’s as decimals', () => {
    expect(formatInterval({ low: 0.30705, high: 0.60171 })).toBe('95 % CI 30.7–60.2 %');
    expect(formatInterval({ low: 0.1667, high: 0.4 }, 'percent', 2)).toBe('95 % CI 16.67–40.00 %');
    expect(formatInterval({ low: 0.6606, high: 0.8867 }, 'score')).toBe('95 % CI 0.661–0.887');
  });
});
