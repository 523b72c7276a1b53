import type { StepEvent } from '../core/train/trainEvent.ts';

/** Weight of a new window once the estimate has seen `1 / SMOOTHING` of them; until then every window weighs the same (a plain mean). */
const SMOOTHING = 0.1;
/** A window slower than this many times the pace (a pause, a tab in the background) counts as this many: a real slowdown still shows, gradually. */
const OUTLIER = 4;

/** A mean that becomes an exponential moving average after its first 1 / SMOOTHING samples. */
class Smoothed {
  value: number | undefined;
  private count = 0;

  add(sample: number): void {
    this.count++;
    const weight = Math.max(SMOOTHING, 1 / this.count);
    this.value = this.value === undefined ? sample : this.value + weight * (sample - this.value);
  }
}

/**
 * A run's pace, for an ETA that does not jump. The Trainer's own `etaSec` divides the
 * steps left by the speed of the last logging window alone, so it swings with every slow
 * or fast window (issue 25 saw 56 s, 1 min 26 s, 25 s within a run). This keeps two
 * figures from the wall time between step events of one session: seconds per update
 * within an epoch (smoothed, warm-up excluded: the first window of a session has no window
 * before it), and what an epoch boundary adds beyond its updates (validation, checkpoint).
 */
export class StepPace {
  private readonly perStep = new Smoothed();
  private readonly perBoundary = new Smoothed();
  private previous: StepEvent | undefined;

  /** A new session (a resumed run): its worker has a new clock, and possibly another speed. */
  restart(): void {
    Object.assign(this, { perStep: new Smoothed(), perBoundary: new Smoothed(), previous: undefined });
  }

  add(event: StepEvent): void {
    const before = this.previous;
    this.previous = event;
    if (!before) return;
    const updates = event.step - before.step;
    const seconds = (event.time - before.time) / 1000;
    if (updates <= 0 || seconds <= 0) return;
    const pace = this.perStep.value;
    if (event.epoch === before.epoch) {
      const sample = seconds / updates;
      this.perStep.add(pace === undefined ? sample : Math.min(sample, OUTLIER * pace));
    } else if (pace !== undefined) {
      const boundaries = event.epoch - before.epoch;
      const extra = Math.max(0, seconds - updates * pace) / boundaries;
      const usual = this.perBoundary.value;
      this.perBoundary.add(usual === undefined ? extra : Math.min(extra, OUTLIER * usual));
    }
  }

  /**
   * Seconds left after `last`: its remaining updates at the pace, plus the cost of every
   * epoch end still to come (its own epoch's included). Undefined until a window after the
   * session's first has been timed.
   */
  etaSec(last: StepEvent, totalSteps: number, epochs: number): number | undefined {
    const pace = this.perStep.value;
    if (pace === undefined) return undefined;
    const stepsLeft = Math.max(0, totalSteps - last.step);
    const boundariesLeft = Math.max(0, epochs - last.epoch);
    return stepsLeft * pace + boundariesLeft * (this.perBoundary.value ?? 0);
  }
}
