import { checkContext, defineSchedule } from './lrSchedule.ts';
import type { LrSchedule, ScheduleContext, ScheduleOf } from './lrSchedule.ts';

interface Phase {
  endStep: number;
  startLr: number;
  endLr: number;
}

/**
 * PyTorch OneCycleLR with total_steps = epochs · stepsPerEpoch, per optimizer step: from
 * maxLr / divFactor up to maxLr over the first pctStart of the run, then down to
 * maxLr / divFactor / finalDivFactor (with threePhase: back to the initial lr first, then
 * down to the minimum), annealed by cosine or linearly. The lr is absolute, taken from maxLr;
 * the context's baseLr is not used.
 *
 * Out of scope: PyTorch's momentum cycling (cycle_momentum), so these values match
 * OneCycleLR(cycle_momentum=False) and the optimizer keeps its own momentum/betas.
 * Steps past totalSteps keep the final lr, where PyTorch raises.
 */
export function oneCycleSchedule(config: ScheduleOf<'oneCycle'>, ctx: ScheduleContext): LrSchedule {
  const { totalSteps } = checkContext(ctx);
  const { maxLr, pctStart, annealStrategy, divFactor, finalDivFactor, threePhase } = config;
  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  // PyTorch's phase boundaries, float end steps included.
  const phases: Phase[] = threePhase
    ? [
        { endStep: pctStart * totalSteps - 1, startLr: initialLr, endLr: maxLr },
        { endStep: 2 * pctStart * totalSteps - 2, startLr: maxLr, endLr: initialLr },
        { endStep: totalSteps - 1, startLr: initialLr, endLr: minLr },
      ]
    : [
        { endStep: pctStart * totalSteps - 1, startLr: initialLr, endLr: maxLr },
        { endStep: totalSteps - 1, startLr: maxLr, endLr: minLr },
      ];
  const anneal =
    annealStrategy === 'cos'
      ? (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (start: number, end: number, pct: number) => (end - start) * pct + start;
  return defineSchedule(
    (rawStep) => {
      const step = Math.min(rawStep, totalSteps - 1);
      let startStep = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (step <= phase.endStep || i === phases.length - 1) {
          const span = phase.endStep - startStep;
          const pct = span > 0 ? (step - startStep) / span : 1;
          return anneal(phase.startLr, phase.endLr, pct);
        }
        startStep = phase.endStep;
      }
      return minLr;
    },
    config,
    totalSteps,
  );
}
