import { checkContext, defineSchedule, epochOf } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/**
 * PyTorch MultiStepLR stepped once per epoch: lr · gamma^(milestones reached), where a
 * milestone m (in epochs) is reached from epoch m on. A milestone listed twice counts twice,
 * as in PyTorch.
 */
export function multiStepSchedule(config: ScheduleOf<'multiStep'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps, stepsPerEpoch } = checkContext(ctx);
  const { milestones, gamma } = config;
  return defineSchedule(
    (step) => {
      const epoch = epochOf(step, stepsPerEpoch);
      const reached = milestones.filter((m) => m <= epoch).length;
      return baseLr * gamma ** reached;
    },
    config,
    totalSteps,
  );
}
