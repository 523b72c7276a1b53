import { describe, expect, it } from 'vitest';
import { reduceOnPlateauSchedule } from './reduceOnPlateauSchedule.ts';

const config = {
  type: 'reduceOnPlateau',
  monitor: 'val_loss',
  mode: 'min',
  factor: 0.5,
  patience: 1,
  threshold: 1e-4,
  cooldown: 1,
  minLr: 0,
} as const;
const metrics = [1, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1, 1.01, 1.02];

describe('reduceOnPlateauSchedule', () => {
  it('resumes from a JSON round-tripped state exactly as if it had never stopped', () => {
    const straight = reduceOnPlateauSchedule(config, { stepsPerEpoch: 2, epochs: 10, baseLr: 0.1 });
    const straightLrs = metrics.map((m, e) => (straight.onEpochEnd!(e, { val_loss: m }), straight(0)));

    const first = reduceOnPlateauSchedule(config, { stepsPerEpoch: 2, epochs: 10, baseLr: 0.1 });
    const lrs = metrics.slice(0, 4).map((m, e) => (first.onEpochEnd!(e, { val_loss: m }), first(0)));
    const saved = JSON.parse(JSON.stringify(first.getState!())) as unknown;
    const resumed = reduceOnPlateauSchedule(config, { stepsPerEpoch: 2, epochs: 10, baseLr: 0.1 });
    resumed.setState!(saved);
    lrs.push(...metrics.slice(4).map((m, e) => (resumed.onEpochEnd!(e + 4, { val_loss: m }), resumed(0))));

    expect(lrs).toEqual(straightLrs);
    expect(new Set(lrs).size).toBeGreaterThan(2);
  });

  it('keeps a JSON-friendly state before any value is seen', () => {
    const schedule = reduceOnPlateauSchedule(config, { stepsPerEpoch: 2, epochs: 10, baseLr: 0.1 });
    expect(JSON.parse(JSON.stringify(schedule.getState!()))).toEqual({ lr: 0.1, best: null, numBadEpochs: 0, cooldownCounter: 0 });
  });

  it('skips an epoch whose logs lack the monitored value', () => {
    const schedule = reduceOnPlateauSchedule({ ...config, patience: 0 }, { stepsPerEpoch: 2, epochs: 10, baseLr: 0.1 });
    schedule.onEpochEnd!(0, { val_loss: 1 });
    for (let e = 1; e < 5; e++) schedule.onEpochEnd!(e, { loss: 5 });
    expect(schedule(0)).toBe(0.1);
    schedule.onEpochEnd!(5, { val_loss: 2 });
    expect(schedule(0)).toBe(0.05);
  });

  it('rejects a state that is not its own', () => {
    const schedule = reduceOnPlateauSchedule(config, { stepsPerEpoch: 2, epochs: 10 });
    expect(() => schedule.setState!({ lr: 'x' })).toThrow(/not a schedule state/);
  });
});
