import { checkContext, defineSchedule } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/**
 * Per optimizer step: linear warmup over round(warmupEpochs · stepsPerEpoch) steps from
 * warmupStartFactor · lr up to lr (PyTorch LinearLR with end_factor 1), then cosine annealing
 * to minLr over the remaining steps (CosineAnnealingLR with T_max = total − warmup) — the
 * values of SequentialLR([LinearLR, CosineAnnealingLR], milestones=[warmup]).
 *
 * Differences from PyTorch, outside the planned run only: past totalSteps the lr stays at
 * minLr instead of climbing the next cosine half-period, and a warmup longer than the run
 * is cut at the run's end. Rounding is half-up (Python's round() is half-to-even).
 */
export function cosineSchedule(config: ScheduleOf<'cosine'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps, stepsPerEpoch } = checkContext(ctx);
  const { warmupStartFactor, minLr } = config;
  const warmup = Math.min(Math.round(config.warmupEpochs * stepsPerEpoch), totalSteps);
  const annealSteps = totalSteps - warmup;
  return defineSchedule(
    (step) => {
      if (step < warmup) return baseLr * (warmupStartFactor + ((1 - warmupStartFactor) * step) / warmup);
      if (annealSteps === 0) return baseLr;
      const t = Math.min(step - warmup, annealSteps);
      return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * t) / annealSteps))) / 2;
    },
    config,
    totalSteps,
  );
}
