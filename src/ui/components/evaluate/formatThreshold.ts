/**
 * A similarity threshold as the page writes it: 4 decimals (the slider's step), or every
 * digit it needs when it has more (a threshold squeezed between two close scores), so the
 * number shown, typed back in, accepts the same pairs.
 */
export function formatThreshold(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞ (accept none)' : '—';
  return Number(v.toFixed(4)) === v ? v.toFixed(4) : String(v);
}
