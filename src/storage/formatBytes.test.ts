import { describe, expect, it } from 'vitest';
import { formatBytes } from './formatBytes.ts';

describe('formatBytes', () => {
  // Decimal (SI) units: 1 kB = 1000 bytes, as Chrome's and Firefox's storage pages show them.
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1.0 kB'],
    [14_200_000, '14.2 MB'],
    [999_960, '1.0 MB'],
    [3_100_000_000, '3.1 GB'],
    [Infinity, 'unlimited space'],
  ])('%d bytes reads "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
