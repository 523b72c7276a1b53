import { describe, expect, it } from 'vitest';
import { rates } from './rates.ts';
import { roundThreshold } from './roundThreshold.ts';

describe('roundThreshold', () => {
  it('picks the shortest decimal in (lo, hi]', () => {
    expect(roundThreshold(0.48, 0.47)).toBe(0.48);
    expect(roundThreshold(0.123456, 0.1)).toBe(0.12);
    expect(roundThreshold(0.61234, 0.2)).toBe(0.6);
    expect(roundThreshold(0.8, 0.3)).toBe(0.8);
    expect(roundThreshold(-0.12345, -0.5)).toBe(-0.2);
    expect(roundThreshold(1, -Infinity)).toBe(1);
  });

  it('keeps the score itself when no short decimal fits the gap', () => {
    expect(roundThreshold(0.1234567, 0.1234561)).toBe(0.1234567);
  });

  // Issue 27: a threshold shown rounded up past its score (0.12346 → "0.1235") rejects that score on the slider.
  it('accepts exactly the same pairs as the score it stands for', () => {
    const scores = [0.9, 0.712345, 0.71234, 0.5, 0.30001, 0.3, -0.2];
    const labels = [1, 1, 0, 1, 0, 0, 1];
    for (let k = 0; k < scores.length; k++) {
      const t = roundThreshold(scores[k], scores[k + 1] ?? -Infinity);
      expect(rates(scores, labels, t), `score ${scores[k]} → ${t}`).toEqual(rates(scores, labels, scores[k]));
      // Written to 4 decimals, as the page writes thresholds, it reads back as itself — unless the gap
      // below the score is narrower than 0.0001 (0.712345, 0.30001), where the score stays as it is.
      if (![0.712345, 0.30001].includes(scores[k])) expect(Number(t.toFixed(4))).toBe(t);
      else expect(t).toBe(scores[k]);
    }
  });
});
