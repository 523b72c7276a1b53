import { checkContext, defineSchedule, epochOf } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/** PyTorch ExponentialLR stepped once per epoch: lr · gamma^epoch. */
export function exponentialSchedule(config: ScheduleOf<'exponential'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps, stepsPerEpoch } = checkContext(ctx);
  return defineSchedule((step) => baseLr * config.gamma ** epochOf(step, stepsPerEpoch), config, totalSteps);
}
