/**
 * Which of a chart's tooltip ticks (one per data row, in increasing x) stands nearest to the
 * x another chart hovers: how synced charts whose rows differ (the loss chart keeps other
 * steps than the learning-rate chart after decimation) still show the same moment. -1, which
 * hides the receiving tooltip, when the hovered label is not a number or there are no ticks.
 */
export function nearestTickIndex(ticks: readonly { value: unknown }[], label: unknown): number {
  const x = typeof label === 'number' ? label : typeof label === 'string' && label.trim() !== '' ? Number(label) : Number.NaN;
  if (!Number.isFinite(x)) return -1;
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  ticks.forEach((tick, i) => {
    const distance = Math.abs(Number(tick.value) - x);
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}
