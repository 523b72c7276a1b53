import { describe, expect, it } from 'vitest';
import { checkpointWords } from './checkpointWords.ts';

describe('checkpointWords', () => {
  it('names the restored epoch and where the run ended (issue 27)', () => {
    expect(checkpointWords({ slot: 'final', epoch: 5, step: 60, restoredEpoch: 1 })).toBe(
      'checkpoint final: weights of epoch 1, restored by early stopping; the run ended at epoch 5, step 60',
    );
  });

  it('names the checkpoint’s own epoch otherwise', () => {
    expect(checkpointWords({ slot: 'best', epoch: 3, step: 36 })).toBe('checkpoint best at epoch 3, step 36');
  });
});
