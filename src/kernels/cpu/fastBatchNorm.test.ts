import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { seeded, stockAndFast } from '../kernelParity.testkit.ts';
import { fastFusedBatchNorm } from './fastBatchNorm.ts';

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (tensors.push(t), t);
afterAll(() => tf.dispose(tensors));

/** Whether the fast kernel takes these inputs itself (equal results alone would not show it ran). */
function takes(inputs: Record<string, tf.Tensor>): boolean {
  const result = fastFusedBatchNorm.run({ inputs, backend: tf.backend() as MathBackendCPU, attrs: { varianceEpsilon: 1e-3 } });
  if (result) tf.engine().disposeTensor(tf.engine().makeTensorFromTensorInfo(result as tf.TensorInfo));
  return result !== undefined;
}

const positive = (shape: number[], seed: number) => keep(tf.tidy(() => tf.add(tf.abs(seeded(shape, seed)), 0.1)));

// FusedBatchNorm is the stock formula in the stock order, so the same bits: every case
// compares exactly.
describe('FusedBatchNorm on cpu', () => {
  it.each([
    ['4-D activations, a value per channel', [2, 3, 4, 8], 8, true],
    ['2-D activations, a value per channel', [5, 6], 6, true],
    ['one value for every channel', [2, 3, 3, 5], 1, true],
    ['no scale or offset', [3, 2, 2, 4], 4, false],
  ] as const)('%s: stock’s values bit for bit', (_, shape, paramSize, withAffine) => {
    const x = keep(seeded([...shape], 1));
    const mean = keep(seeded([paramSize], 2));
    const variance = positive([paramSize], 3);
    const affine: Record<string, tf.Tensor> = withAffine ? { scale: keep(seeded([paramSize], 4)), offset: keep(seeded([paramSize], 5)) } : {};
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('FusedBatchNorm', { x, mean, variance, ...affine }, { varianceEpsilon: 1e-3 }) as tf.Tensor);
    expect(Array.from(fast)).toEqual(Array.from(stock));
    expect(takes({ x, mean, variance, ...affine })).toBe(true);
    // Not an identity: the values were normalised.
    expect(Array.from(fast)).not.toEqual(Array.from(x.dataSync()));
  });

  it('leaves parameters of other lengths to stock, which cycles each over the flattened values', () => {
    const x = keep(seeded([2, 6], 6));
    const mean = keep(seeded([3], 7));
    const variance = positive([3], 8);
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('FusedBatchNorm', { x, mean, variance }, { varianceEpsilon: 1e-3 }) as tf.Tensor);
    expect(Array.from(fast)).toEqual(Array.from(stock));
    expect(takes({ x, mean, variance })).toBe(false);
  });
});
