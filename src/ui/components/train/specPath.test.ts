import { describe, expect, it } from 'vitest';
import { getAt, setAt } from './specPath.ts';

describe('specPath', () => {
  it('reads nested values and gives undefined for a missing branch', () => {
    const spec = { optimizer: { type: 'adam', lr: 0.1 } };
    expect(getAt(spec, 'optimizer.lr')).toBe(0.1);
    expect(getAt(spec, 'training.epochs')).toBeUndefined();
  });

  it('writes a copy, creating missing branches and leaving the original alone', () => {
    const spec = { optimizer: { type: 'adam', lr: 0.1 }, name: 'a' };
    const next = setAt(spec, 'training.earlyStopping.patience', 3);
    expect(next).toEqual({ optimizer: { type: 'adam', lr: 0.1 }, name: 'a', training: { earlyStopping: { patience: 3 } } });
    expect(spec).toEqual({ optimizer: { type: 'adam', lr: 0.1 }, name: 'a' });
    expect(next.optimizer).toBe(spec.optimizer);
  });

  it('removes a key set to undefined', () => {
    expect(setAt({ data: { augmentation: { flip: { p: 0.5 }, rotation: { degrees: 5 } } } }, 'data.augmentation.flip', undefined)).toEqual({
      data: { augmentation: { rotation: { degrees: 5 } } },
    });
  });
});
