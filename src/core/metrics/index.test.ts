import { describe, expect, it } from 'vitest';
import * as metrics from './index.ts';

describe('metrics index', () => {
  it('re-exports every metric', () => {
    const names = [
      'topKAccuracy', 'confusionMatrix', 'classificationReport', 'rocCurve', 'rocAuc', 'detCurve', 'equalErrorRate',
      'youdenThreshold', 'thresholdAtFar', 'rates', 'verificationAccuracy', 'boxIou', 'meanIou', 'precisionAtIou',
      'expectedCalibrationError', 'confidenceBands', 'wilsonInterval', 'meanInterval', 'verificationIntervals',
    ];
    for (const name of names) expect(typeof (metrics as Record<string, unknown>)[name], name).toBe('function');
  });
});
