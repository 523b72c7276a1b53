import type { ScheduleConfig } from '../../spec/runSpec.ts';

/**
 * A learning-rate schedule: `schedule(step)` gives the lr for the 0-based optimizer update
 * `step` (with gradient accumulation that counts updates, not micro-batches).
 *
 * Every schedule is pure in `step`: the same step gives the same value in any call order,
 * so a resumed run needs no replay. The one stateful schedule, reduceOnPlateau, changes
 * only through `onEpochEnd`, and its `getState`/`setState` let a checkpoint carry it.
 */
export type LrSchedule = ((step: number) => number) & {
  readonly config: ScheduleConfig;
  /** epochs · stepsPerEpoch: the number of updates the run is planned for. */
  readonly totalSteps: number;
  onEpochEnd?(epoch: number, logs: Record<string, number>): void;
  getState?(): unknown;
  setState?(state: unknown): void;
};

export interface ScheduleContext {
  stepsPerEpoch: number;
  epochs: number;
  /**
   * The optimizer's lr. Omitted, it is 1 and the schedule returns multipliers of the
   * optimizer's lr. Values carried in a config in lr units (cosine's minLr, oneCycle's
   * maxLr, reduceOnPlateau's minLr) are used as they stand either way.
   */
  baseLr?: number;
}

export type ScheduleOf<T extends ScheduleConfig['type']> = Extract<ScheduleConfig, { type: T }>;

export function checkContext(ctx: ScheduleContext): { stepsPerEpoch: number; epochs: number; baseLr: number; totalSteps: number } {
  const { stepsPerEpoch, epochs, baseLr = 1 } = ctx;
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0) {
    throw new Error(`schedule: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  if (!Number.isInteger(epochs) || epochs <= 0) throw new Error(`schedule: epochs must be a positive integer, got ${epochs}`);
  if (!(baseLr > 0)) throw new Error(`schedule: baseLr must be > 0, got ${baseLr}`);
  return { stepsPerEpoch, epochs, baseLr, totalSteps: stepsPerEpoch * epochs };
}

/** Attaches the schedule's metadata to its lr function. */
export function defineSchedule(
  lr: (step: number) => number,
  config: ScheduleConfig,
  totalSteps: number,
  extra: Pick<LrSchedule, 'onEpochEnd' | 'getState' | 'setState'> = {},
): LrSchedule {
  const fn = (step: number): number => {
    if (!Number.isFinite(step) || step < 0) throw new Error(`schedule: step must be a non-negative number, got ${step}`);
    return lr(Math.floor(step));
  };
  return Object.assign(fn, { config, totalSteps, ...extra });
}

/** The 0-based epoch an update falls in, for schedules PyTorch steps once per epoch. */
export function epochOf(step: number, stepsPerEpoch: number): number {
  return Math.floor(step / stepsPerEpoch);
}
