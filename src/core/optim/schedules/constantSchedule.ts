import { checkContext, defineSchedule } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

/** The optimizer's lr at every step. */
export function constantSchedule(config: ScheduleOf<'constant'>, ctx: ScheduleContext): LrSchedule {
  const { baseLr, totalSteps } = checkContext(ctx);
  return defineSchedule(() => baseLr, config, totalSteps);
}
