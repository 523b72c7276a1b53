import { describe, expect, it } from 'vitest';
import { makeDivisible } from './makeDivisible.ts';

describe('makeDivisible', () => {
  it("matches torchvision's _make_divisible(v, 8)", () => {
    // reference: test/reference/models_layers.py, torchvision.models._utils._make_divisible 0.14
    const inputs = [3.9, 4, 8, 11.9, 12, 4.0, 5.6, 12.0, 24.0, 33.599999999999994, 1664.0, 57.6, 100, 123.4];
    const outputs = [8, 8, 8, 16, 16, 8, 8, 16, 24, 32, 1664, 56, 104, 120];
    expect(inputs.map((v) => makeDivisible(v))).toEqual(outputs);
  });
});
