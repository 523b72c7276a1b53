import { describe, expect, it } from 'vitest';
import shapesDemo from '../../../../examples/shapes-demo.json';
import { parseRunSpec } from '../../../core/spec/runSpec.ts';
import { presentedPrediction, presenterFigures } from './presenterFigures.ts';

const spec = parseRunSpec(shapesDemo);

describe('presenterFigures', () => {
  it('shows epochs of planned, then validation accuracy and loss when the run logged them', () => {
    const figures = presenterFigures({ spec, epochsDone: 3, lastMetrics: { loss: 0.9, acc: 0.6, val_loss: 0.71234, val_acc: 0.8125 } });
    expect(figures.map((f) => [f.id, f.label, f.text])).toEqual([
      ['epoch', 'Epoch', `3 / ${spec.training.epochs}`],
      ['accuracy', 'Validation accuracy', '81.3 %'],
      ['loss', 'Validation loss', '0.712'],
    ]);
    expect(figures[1].value).toBe(0.8125);
  });

  it('falls back to training figures, and leaves out what was not logged yet', () => {
    expect(presenterFigures({ spec, epochsDone: 1, lastMetrics: { loss: 2, acc: 0.25 } }).map((f) => f.label)).toEqual(['Epoch', 'Training accuracy', 'Training loss']);
    expect(presenterFigures({ spec, epochsDone: 0 }).map((f) => f.id)).toEqual(['epoch']);
  });
});

describe('presentedPrediction', () => {
  it('names the most probable class with its probability', () => {
    expect(presentedPrediction({ kind: 'classification', probs: [0.1, 0.7, 0.2] }, { classNames: ['circle', 'square', 'triangle'] })).toEqual({ label: 'square', confidence: '70.0 %', value: 0.7 });
  });
  it('names the nearest enrolled person, or nothing when nobody is enrolled', () => {
    expect(presentedPrediction({ kind: 'embedding', embedding: [], nearest: [{ name: 'Ada', similarity: 0.913 }] }, { classNames: [] })).toEqual({ label: 'Ada', confidence: 'similarity 0.91', value: 0.913 });
    expect(presentedPrediction({ kind: 'embedding', embedding: [], nearest: [] }, { classNames: [] })).toBeUndefined();
  });
});
