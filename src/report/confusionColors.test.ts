import { describe, expect, it } from 'vitest';
import { confusionColors, contrastRatio, relativeLuminance } from './confusionColors.ts';

describe('contrastRatio', () => {
  it('matches WCAG 2’s reference points', () => {
    // WCAG 2: black on white 21:1; #767676 on white is the lightest grey at 4.5:1 (4.54).
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(4.54, 2);
    expect(relativeLuminance('#ffffff')).toBe(1);
  });
});

describe('confusionColors', () => {
  const shares = Array.from({ length: 101 }, (_, i) => i);

  it('writes every count with WCAG AA contrast (4.5:1) on its fill', () => {
    for (const diagonal of [true, false]) {
      for (const count of shares) {
        const { background, text } = confusionColors(count, 100, diagonal);
        expect(contrastRatio(background, text), `${count}/100 ${diagonal ? 'right' : 'wrong'}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  // Issue 25: a lone mistake was a white "1" on pale pink, nearly invisible.
  it('makes even one mistake in a large row stand out from the white page (3:1, WCAG non-text contrast)', () => {
    const one = confusionColors(1, 500, false);
    expect(contrastRatio(one.background, '#ffffff')).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(one.background, one.text)).toBeGreaterThanOrEqual(4.5);
  });

  it('deepens with the share and leaves empty cells white', () => {
    const lum = (count: number, diagonal: boolean) => relativeLuminance(confusionColors(count, 10, diagonal).background);
    expect(lum(9, false)).toBeLessThan(lum(1, false));
    expect(lum(9, true)).toBeLessThan(lum(1, true));
    expect(confusionColors(0, 10, false).background).toBe('#ffffff');
    expect(confusionColors(0, 0, true).background).toBe('#ffffff');
  });
});
