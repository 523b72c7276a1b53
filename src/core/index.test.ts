import { describe, expect, it } from 'vitest';
import * as core from './index.ts';

// The documented public API: what hosts and the other issues build on.
describe('src/core public API', () => {
  it('exports the named entry points', () => {
    for (const name of [
      'validateRunSpec',
      'parseRunSpec',
      'createSchedule',
      'rocCurve',
      'evaluateCheckpoint',
      'evaluatePredictions',
      'exportModel',
      'exportOnnx',
      'preprocessingSpec',
      'Predictor',
      'rocAuc',
      'equalErrorRate',
      'confusionMatrix',
      'topKAccuracy',
      'Trainer',
      'prepareData',
      'buildModel',
      'createOptimizer',
      'softmaxCrossEntropy',
      'createMarginHead',
      'lrRangeTest',
      'syntheticSource',
    ]) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('creates a schedule as a pure step -> lr function from a serializable config', () => {
    const lr = core.createSchedule({ type: 'step', stepSize: 2, gamma: 0.5 }, { stepsPerEpoch: 10, epochs: 6, baseLr: 0.1 });
    // StepLR per epoch: epochs 0-1 at 0.1, 2-3 at 0.05, 4-5 at 0.025.
    expect([lr(0), lr(19), lr(20), lr(45)]).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('reports every spec problem with its path and a plain reason', () => {
    const r = core.validateRunSpec({ version: 1, model: { width: -1 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['model.width']).toBe('must be > 0, got -1');
    expect(byPath['data']).toBe('is required');
    expect(byPath['training']).toBe('is required');
  });
});
