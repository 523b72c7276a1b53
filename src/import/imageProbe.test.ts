import { describe, expect, it } from 'vitest';
import { thumbnailSize } from './imageProbe.ts';

describe('thumbnailSize', () => {
  it('fits the longest side to 96 px keeping the aspect, and never enlarges', () => {
    expect(thumbnailSize(640, 480)).toEqual({ width: 96, height: 72 });
    expect(thumbnailSize(300, 1000)).toEqual({ width: 29, height: 96 });
    expect(thumbnailSize(32, 20)).toEqual({ width: 32, height: 20 });
    expect(thumbnailSize(5000, 10)).toEqual({ width: 96, height: 1 });
  });
});
