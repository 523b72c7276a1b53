/** The page's text colour and white: the two a confusion cell's count is written in. */
const DARK_TEXT = '#1f2328';
const LIGHT_TEXT = '#ffffff';
/** An empty cell: page white, its "0" in the muted grey (6.4:1 on white). */
const EMPTY = { background: '#ffffff', text: '#59636e' };

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255)) as [number, number, number];
}

const hex = (rgb: [number, number, number]): string => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function relativeLuminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * A confusion cell's colours from its share of the true class's row. Correct cells (the
 * diagonal) run from pale to deep green. Mistakes start at a saturated red whose contrast
 * with the white page is well over 3:1 (WCAG's non-text minimum), so a single wrong image
 * is the first thing an eye finds, and deepen with their share; the old pale pink for a
 * lone mistake was nearly invisible. The count is written in whichever of the page's
 * dark text and white contrasts more with the fill, at least 4.5:1 (WCAG AA): a mid-tone
 * where neither reaches it is darkened until white does.
 */
export function confusionColors(count: number, rowTotal: number, diagonal: boolean): { background: string; text: string } {
  if (count <= 0 || rowTotal <= 0) return EMPTY;
  const share = Math.min(1, count / rowTotal);
  const [hue, saturation] = diagonal ? [140, 0.5] : [4, 0.75];
  let lightness = diagonal ? 0.92 - 0.62 * share : 0.5 - 0.22 * share;
  for (;;) {
    const background = hex(hslToRgb(hue, saturation, lightness));
    const dark = contrastRatio(background, DARK_TEXT);
    const light = contrastRatio(background, LIGHT_TEXT);
    // Mid-tones reach 4.5:1 with neither text colour; darken them until white does.
    if (Math.max(dark, light) >= 4.5 || lightness <= 0.05) return { background, text: dark >= light ? DARK_TEXT : LIGHT_TEXT };
    lightness -= 0.01;
  }
}
