import type { ScheduleConfig } from '../../spec/runSpec.ts';
import { constantSchedule } from './constantSchedule.ts';
import { cosineSchedule } from './cosineSchedule.ts';
import { exponentialSchedule } from './exponentialSchedule.ts';
import type { LrSchedule, ScheduleContext } from './lrSchedule.ts';
import { multiStepSchedule } from './multiStepSchedule.ts';
import { oneCycleSchedule } from './oneCycleSchedule.ts';
import { reduceOnPlateauSchedule } from './reduceOnPlateauSchedule.ts';
import { stepSchedule } from './stepSchedule.ts';

/**
 * The schedule a RunSpec names. Without ctx.baseLr the result is a multiplier of the
 * optimizer's lr (see ScheduleContext); oneCycle always returns absolute lrs.
 */
export function createSchedule(config: ScheduleConfig, ctx: ScheduleContext): LrSchedule {
  switch (config.type) {
    case 'constant':
      return constantSchedule(config, ctx);
    case 'step':
      return stepSchedule(config, ctx);
    case 'multiStep':
      return multiStepSchedule(config, ctx);
    case 'exponential':
      return exponentialSchedule(config, ctx);
    case 'cosine':
      return cosineSchedule(config, ctx);
    case 'oneCycle':
      return oneCycleSchedule(config, ctx);
    case 'reduceOnPlateau':
      return reduceOnPlateauSchedule(config, ctx);
    default: {
      const unknown: never = config;
      throw new Error(`unknown schedule type: ${(unknown as { type: string }).type}`);
    }
  }
}
