import { parseArgs } from 'node:util';
import { createSchedule } from '../core/optim/schedules/index.ts';
import { epochPlan } from '../core/train/epochPlan.ts';
import { readSpecFile } from './readSpecFile.ts';

/** Steps per epoch for a spec without loading its data: from --samples, or the synthetic source's size. */
function trainSamples(spec: Awaited<ReturnType<typeof readSpecFile>>, samples?: string): number {
  if (samples) return Number(samples);
  const src = spec.data.source;
  if (src.kind === 'synthetic') return Math.floor(src.classes * src.perClass * spec.data.split.train);
  throw new Error('this spec reads its data from a folder: pass --samples N (training images) to size an epoch');
}

export async function scheduleCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { samples: { type: 'string' } } });
  const spec = await readSpecFile(positionals[0]);
  const n = trainSamples(spec, values.samples);
  const t = spec.training;
  const { stepsPerEpoch } = epochPlan(n, t);
  const schedule = createSchedule(spec.schedule, { stepsPerEpoch, epochs: t.epochs, baseLr: spec.optimizer.lr });
  const lr = Array.from({ length: stepsPerEpoch * t.epochs }, (_, step) => schedule(step));
  console.log(JSON.stringify({ schedule: spec.schedule, baseLr: spec.optimizer.lr, stepsPerEpoch, epochs: t.epochs, lr }));
}
