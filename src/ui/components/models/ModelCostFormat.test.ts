import { describe, expect, it } from 'vitest';
import type { MemoryEstimate } from '../../../engine/protocol.ts';
import { formatCount, memoryWarnings } from './ModelCostFormat.ts';

const estimate = (totalBytes: number, deviceLimitBytes?: number): MemoryEstimate => ({
  params: 1,
  weightBytes: 4,
  optimizerBytes: 12,
  activationBytes: totalBytes - 12,
  totalBytes,
  macs: 1,
  flops: 2,
  ...(deviceLimitBytes !== undefined ? { deviceLimitBytes } : {}),
});

describe('model cost text', () => {
  it('prints counts with three significant digits and an SI prefix', () => {
    expect(formatCount(3_504_872)).toBe('3.50 M'); // MobileNetV2's parameter count at width 1
    expect(formatCount(612_000_000)).toBe('612 M');
    expect(formatCount(4_100_000_000)).toBe('4.10 G');
    expect(formatCount(950)).toBe('950');
  });

  it('warns past the device limit and past the browser budget, not below', () => {
    expect(memoryWarnings(estimate(100e6, 256e6))).toEqual([]);
    expect(memoryWarnings(estimate(300e6, 256e6))).toEqual([expect.stringMatching(/300.0 MB in all, more than the largest buffer this GPU allows \(256.0 MB\)/)]);
    expect(memoryWarnings(estimate(3e9))).toEqual([expect.stringMatching(/^Over 2.0 GB/)]);
    expect(memoryWarnings(estimate(3e9, 1e9))).toHaveLength(2);
  });
});
