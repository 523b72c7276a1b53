import { describe, expect, it } from 'vitest';
import { runColor } from './runColor.ts';

describe('runColor', () => {
  it('gives a run the same colour every time and different runs different hues', () => {
    expect(runColor('run-1')).toBe(runColor('run-1'));
    expect(runColor('run-1')).toMatch(/^hsl\(\d+ 70% 40%\)$/);
    const hues = new Set(['a', 'b', 'c', 'd', 'e'].map((id) => runColor(`run-${id}`)));
    expect(hues.size).toBeGreaterThan(1);
  });
});
