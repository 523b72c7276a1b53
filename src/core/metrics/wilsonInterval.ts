/** A two-sided confidence interval [low, high] around a measured value. */
export interface Interval {
  low: number;
  high: number;
}

/** The standard normal quantile of 0.975: two-sided 95 % intervals. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion of `successes` in `trials` (95 % by default), as
 * scipy's binomtest(...).proportion_ci(method='wilson') and statsmodels'
 * proportion_confint(method='wilson') compute it. Chosen over the normal ("Wald")
 * interval because the studio's splits are often small and its accuracies near 0 or 1,
 * where Wald collapses to a zero-width interval (0 of 6 would read "0 % ± 0").
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`a proportion needs at least one trial; got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(`successes must be an integer in [0, ${trials}]; got ${successes}`);
  }
  if (!(z > 0)) throw new Error(`z must be positive; got ${z}`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or all successes the bound is exactly 0 or 1; rounding would leave 1e-17 on it.
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === trials ? 1 : Math.min(1, centre + half) };
}
