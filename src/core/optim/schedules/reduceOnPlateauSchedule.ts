import { checkContext, defineSchedule } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/** JSON-friendly: `best` is null until a first value is seen (PyTorch starts it at ±inf). */
export interface ReduceOnPlateauState {
  lr: number;
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
}

// PyTorch skips reductions smaller than this (ReduceLROnPlateau's eps).
const MIN_CHANGE = 1e-8;

/**
 * PyTorch ReduceLROnPlateau with threshold_mode 'rel': `onEpochEnd` reads
 * logs[config.monitor]; after more than `patience` epochs without an improvement of at least
 * `threshold` (relative), the lr is multiplied by `factor` (not below minLr), then `cooldown`
 * epochs pass before bad epochs count again. `schedule(step)` returns the current lr whatever
 * the step. An epoch whose logs lack the monitored value is skipped (PyTorch would need one).
 */
export function reduceOnPlateauSchedule(config: ScheduleOf<'reduceOnPlateau'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps } = checkContext(ctx);
  const { monitor, mode, factor, patience, threshold, cooldown, minLr } = config;
  let state: ReduceOnPlateauState = { lr: baseLr, best: null, numBadEpochs: 0, cooldownCounter: 0 };

  const isBetter = (value: number, stored: number | null): boolean => {
    const best = stored ?? (mode === 'min' ? Infinity : -Infinity);
    return mode === 'min' ? value < best * (1 - threshold) : value > best * (1 + threshold);
  };

  const onEpochEnd = (_epoch: number, logs: Record<string, number>): void => {
    const value = logs[monitor];
    if (typeof value !== 'number') return;
    const next = { ...state };
    if (isBetter(value, next.best)) {
      next.best = value;
      next.numBadEpochs = 0;
    } else {
      next.numBadEpochs += 1;
    }
    if (next.cooldownCounter > 0) {
      next.cooldownCounter -= 1;
      next.numBadEpochs = 0;
    }
    if (next.numBadEpochs > patience) {
      const reduced = Math.max(next.lr * factor, minLr);
      if (next.lr - reduced > MIN_CHANGE) next.lr = reduced;
      next.cooldownCounter = cooldown;
      next.numBadEpochs = 0;
    }
    state = next;
  };

  const setState = (raw: unknown): void => {
    const s = raw as Partial<ReduceOnPlateauState> | null;
    const ok =
      s !== null &&
      typeof s === 'object' &&
      typeof s.lr === 'number' &&
      (s.best === null || typeof s.best === 'number') &&
      typeof s.numBadEpochs === 'number' &&
      typeof s.cooldownCounter === 'number';
    if (!ok) throw new Error(`reduceOnPlateau: not a schedule state: ${JSON.stringify(raw)}`);
    state = { lr: s.lr!, best: s.best!, numBadEpochs: s.numBadEpochs!, cooldownCounter: s.cooldownCounter! };
  };

  return defineSchedule(() => state.lr, config, totalSteps, {
    onEpochEnd,
    getState: (): ReduceOnPlateauState => ({ ...state }),
    setState,
  });
}
