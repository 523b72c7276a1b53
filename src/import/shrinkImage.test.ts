import { describe, expect, it } from 'vitest';
import { shrinkImage } from './shrinkImage.ts';

describe('shrinkImage', () => {
  it('averages whole blocks (means worked by hand), rounding half up', () => {
    // 4x4 grey, factor 2 to reach 2 px: each output is the mean of a 2x2 block.
    const data = Uint8Array.from([0, 2, 10, 10, 4, 6, 10, 11, 100, 100, 0, 0, 100, 101, 255, 255]);
    const out = shrinkImage({ width: 4, height: 4, channels: 1, data }, 2);
    expect(out).toMatchObject({ width: 2, height: 2, channels: 1 });
    // (0+2+4+6)/4 = 3; (10+10+10+11)/4 = 10.25 -> 10; (100+100+100+101)/4 = 100.25 -> 100; (0+0+255+255)/4 = 127.5 -> 128.
    expect([...out.data]).toEqual([3, 10, 100, 128]);
  });

  it('keeps channels apart, drops a partial edge block, and leaves small images alone', () => {
    const rgb = Uint8Array.from([10, 20, 30, 30, 40, 50, 255, 255, 255]);
    const out = shrinkImage({ width: 3, height: 1, channels: 3, data: rgb }, 2);
    expect(out).toMatchObject({ width: 1, height: 1 });
    expect([...out.data]).toEqual([20, 30, 40]);
    const small = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array(4) };
    expect(shrinkImage(small, 96)).toBe(small);
  });
});
