export interface LrRangeTestOptions {
  /** First lr tried (default 1e-7). */
  startLr?: number;
  /** Last lr tried (default 10). */
  endLr?: number;
  /** Number of training steps, one lr each (default 100). */
  steps?: number;
  /** How the lr grows from startLr to endLr: geometrically ('exp', default) or linearly. */
  mode?: 'exp' | 'linear';
  /** β of the exponential moving average of the loss (default 0.98, as fastai). */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds divergeFactor × the best smoothed loss (default 4). */
  divergeFactor?: number;
}

export interface LrRangeTestResult {
  /** The lr of each step run. */
  lrs: number[];
  /** The loss trainStep returned at each step. */
  losses: number[];
  /** Bias-corrected exponential moving average of the losses. */
  smoothed: number[];
  suggestedLr: number;
  /** True when the loss diverged (or was not finite) before the last step. */
  stoppedEarly: boolean;
}

/**
 * Leslie Smith's LR range test as fastai runs it: train one step at each lr of a growing
 * sweep, smooth the losses with a bias-corrected EMA (avg = β·avg + (1−β)·loss, smoothed =
 * avg / (1 − βⁱ⁺¹)), and stop once the smoothed loss passes divergeFactor × its best or a
 * loss is not finite.
 *
 * Suggestion: the lr at the start of the steepest descent of the smoothed loss, the most
 * negative slope between consecutive points, measured against log(lr) in 'exp' mode and
 * against lr in 'linear' mode (the axis the sweep is even on). The point that tripped the
 * divergence stop is left out of that search, and so are the first SKIP_START points of a
 * sweep of 4 × SKIP_START or more, as fastai's skip_start: there the bias-corrected average
 * still swings with single batches, and one lucky batch at 1e-7 would be the steepest
 * "descent". When the smoothed loss never falls, the lr of its minimum is suggested.
 *
 * Host-agnostic: `trainStep(lr)` runs one update at that lr and resolves to its loss;
 * saving and restoring the weights around the test is the caller's job.
 */
export async function lrRangeTest(options: LrRangeTestOptions, trainStep: (lr: number) => Promise<number>): Promise<LrRangeTestResult> {
  const { startLr = 1e-7, endLr = 10, steps = 100, mode = 'exp', smoothing = 0.98, divergeFactor = 4 } = options;
  if (!(startLr > 0) || !(endLr > startLr)) throw new Error(`lrRangeTest: need 0 < startLr < endLr, got ${startLr} and ${endLr}`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`lrRangeTest: steps must be an integer >= 2, got ${steps}`);
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`lrRangeTest: smoothing must be in [0, 1), got ${smoothing}`);
  if (!(divergeFactor > 1)) throw new Error(`lrRangeTest: divergeFactor must be > 1, got ${divergeFactor}`);

  const lrAt = (i: number): number => {
    const t = i / (steps - 1);
    return mode === 'exp' ? startLr * (endLr / startLr) ** t : startLr + (endLr - startLr) * t;
  };

  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let avg = 0;
  let best = Infinity;
  let tripped = false;
  for (let i = 0; i < steps; i++) {
    const lr = lrAt(i);
    const loss = await trainStep(lr);
    avg = smoothing * avg + (1 - smoothing) * loss;
    const value = avg / (1 - smoothing ** (i + 1));
    lrs.push(lr);
    losses.push(loss);
    smoothed.push(value);
    if (!Number.isFinite(value) || value > divergeFactor * best) {
      tripped = true;
      break;
    }
    best = Math.min(best, value);
  }
  const usable = tripped ? lrs.length - 1 : lrs.length;
  return { lrs, losses, smoothed, suggestedLr: suggestLr(lrs, smoothed, mode, usable), stoppedEarly: tripped && lrs.length < steps };
}

/** fastai's skip_start: the points of a sweep's start that say more about batches than about the lr. */
const SKIP_START = 10;

function suggestLr(lrs: number[], smoothed: number[], mode: 'exp' | 'linear', usable: number): number {
  const x = (lr: number) => (mode === 'exp' ? Math.log(lr) : lr);
  let steepest = 0;
  let at = -1;
  for (let i = usable >= 4 * SKIP_START ? SKIP_START : 0; i + 1 < usable; i++) {
    const slope = (smoothed[i + 1] - smoothed[i]) / (x(lrs[i + 1]) - x(lrs[i]));
    if (slope < steepest) {
      steepest = slope;
      at = i;
    }
  }
  if (at >= 0) return lrs[at];
  let min = 0;
  for (let i = 1; i < usable; i++) if (smoothed[i] < smoothed[min]) min = i;
  return lrs[min];
}
