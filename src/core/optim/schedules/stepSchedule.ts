import { checkContext, defineSchedule, epochOf } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/** PyTorch StepLR stepped once per epoch: lr · gamma^floor(epoch / stepSize). */
export function stepSchedule(config: ScheduleOf<'step'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps, stepsPerEpoch } = checkContext(ctx);
  const { stepSize, gamma } = config;
  return defineSchedule((step) => baseLr * gamma ** Math.floor(epochOf(step, stepsPerEpoch) / stepSize), config, totalSteps);
}
