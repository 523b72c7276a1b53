/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's
 * moments, so the first points are not dragged towards zero. Ported from TensorBoard's
 * line chart (tensorboard/components/vz_line_chart2/line-chart.ts, `resmoothDataset`):
 * non-finite values pass through untouched and do not feed the average, and a constant
 * series is returned as is (its smoothed value would only differ by float noise).
 *
 * `weight` is the slider's value: 0 leaves the series alone, values near 1 smooth hard.
 */
export function smoothSeries(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothSeries: weight must be in [0, 1), got ${weight}`);
  if (weight === 0 || values.every((v) => v === values[0])) return values.slice();
  let last = 0;
  let accumulated = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    accumulated++;
    return last / (1 - weight ** accumulated);
  });
}
