import { createSchedule } from '../../../core/optim/schedules/createSchedule.ts';
import type { RunSpec } from '../../../core/spec/runSpec.ts';
import { epochPlan } from '../../../core/train/epochPlan.ts';
import type { ChartPoint } from '../charts/chartLines.ts';

export interface SchedulePreview {
  stepsPerEpoch: number;
  totalSteps: number;
  /** lr after each update, x = updates done; at most `maxPoints`, the last update always included. */
  points: ChartPoint[];
}

/**
 * The learning rate a spec will use at each step. Given the dataset's size, the number of
 * training samples is estimated as sampleCount × split.train (the real split rounds per
 * class), so stepsPerEpoch, and with it the curve's length, is an estimate; given the
 * training samples a run counted when it loaded the same data (`{ trainSamples }`), exact.
 */
export function schedulePreview(spec: RunSpec, count: number | { trainSamples: number }, maxPoints = 400): SchedulePreview {
  const trainSamples = typeof count === 'number' ? Math.max(1, Math.round(count * spec.data.split.train)) : count.trainSamples;
  const { stepsPerEpoch } = epochPlan(trainSamples, spec.training);
  const schedule = createSchedule(spec.schedule, { stepsPerEpoch, epochs: spec.training.epochs, baseLr: spec.optimizer.lr });
  const total = schedule.totalSteps;
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  const points: ChartPoint[] = [];
  for (let step = 0; step < total; step += stride) points.push({ x: step + 1, y: schedule(step) });
  if (points.at(-1)?.x !== total) points.push({ x: total, y: schedule(total - 1) });
  return { stepsPerEpoch, totalSteps: total, points };
}
