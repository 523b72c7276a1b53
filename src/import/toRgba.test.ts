import { describe, expect, it } from 'vitest';
import { toRgba } from './toRgba.ts';

describe('toRgba', () => {
  it('spreads grey over RGB, keeps RGB, keeps alpha, and makes the rest opaque', () => {
    expect([...toRgba({ width: 2, height: 1, channels: 1, data: Uint8Array.from([7, 200]) })]).toEqual([7, 7, 7, 255, 200, 200, 200, 255]);
    expect([...toRgba({ width: 1, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) })]).toEqual([1, 2, 3, 255]);
    expect([...toRgba({ width: 1, height: 1, channels: 4, data: Uint8Array.from([1, 2, 3, 4]) })]).toEqual([1, 2, 3, 4]);
  });
});
