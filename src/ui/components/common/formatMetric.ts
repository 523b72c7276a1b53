/** A metric or axis value in at most four significant digits, switching to exponent form for very small or large values (learning rates). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
