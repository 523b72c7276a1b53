/**
 * The series a chart hides after a click on `key` in its legend: a shown series is hidden,
 * a hidden one shown again (TensorBoard's and W&B's legend toggles). Other series keep their
 * state, so the choice survives the live redraws that add points.
 */
export function toggleHidden(hidden: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(hidden);
  if (!next.delete(key)) next.add(key);
  return next;
}
