import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FUSED_EPILOGUE_CASES, relativeError, seeded, stockAndFast } from '../kernelParity.testkit.ts';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: Pad;
}

// The grid of the issue: every kernel size × stride × padding, with batch (1–3), odd and
// even sizes and channel counts (1–8) varied across it. Sizes stay ≥ the kernel so 'valid'
// has an output; explicit pads are asymmetric on purpose.
const KERNELS = [1, 3, 5, 7];
const STRIDES = [1, 2];
const PADS = ['same', 'valid', 'explicit'] as const;
const GRID: ConvCase[] = [];
let n = 0;
for (const kernel of KERNELS) {
  for (const stride of STRIDES) {
    for (const padKind of PADS) {
      const pad: Pad = padKind === 'explicit' ? [[0, 0], [kernel >> 1, 1], [0, kernel >> 1], [0, 0]] : padKind;
      GRID.push({
        batch: 1 + (n % 3),
        height: kernel + 1 + (n % 4),
        width: kernel + 2 + ((n * 3) % 5),
        inChannels: 1 + ((n * 5) % 8),
        outChannels: 1 + ((n * 3) % 8),
        kernel,
        stride,
        pad,
      });
      n++;
    }
  }
}
// Deeper than one 256-wide GEMM depth block and taller than one patch block, with edge tiles in every direction.
GRID.push({ batch: 3, height: 13, width: 13, inChannels: 40, outChannels: 6, kernel: 3, stride: 1, pad: 'same' });
// A 1×1 stride-1 conv skips im2col; a 1×1 stride-2 one (ResNet's shortcut) does not.
GRID.push({ batch: 2, height: 5, width: 7, inChannels: 5, outChannels: 7, kernel: 1, stride: 1, pad: 'valid' });
GRID.push({ batch: 2, height: 8, width: 8, inChannels: 4, outChannels: 8, kernel: 1, stride: 2, pad: 'same' });
// Input smaller than the kernel with 'same' padding: most taps fall in the padding.
GRID.push({ batch: 1, height: 2, width: 3, inChannels: 3, outChannels: 2, kernel: 5, stride: 1, pad: 'same' });

const TOLERANCE = 1e-4;
const inputs: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (inputs.push(t), t);
afterAll(() => tf.dispose(inputs));

function label(c: ConvCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : JSON.stringify(c.pad.slice(1, 3));
  return `x[${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel} s${c.stride} ${pad} → ${c.outChannels}`;
}

function outShape(c: ConvCase): number[] {
  return tf.conv2d(tf.zeros([c.batch, c.height, c.width, c.inChannels]) as tf.Tensor4D, tf.zeros([c.kernel, c.kernel, c.inChannels, c.outChannels]) as tf.Tensor4D, c.stride, c.pad).shape;
}

describe.each(GRID.map((c, i) => ({ c, i, name: label(c) })))('conv $name', ({ c, i }) => {
  const x = keep(seeded([c.batch, c.height, c.width, c.inChannels], 10 + i));
  const filter = keep(seeded([c.kernel, c.kernel, c.inChannels, c.outChannels], 100 + i));
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: 1 };
  const dyShape = tf.tidy(() => outShape(c));
  const dy = keep(seeded(dyShape, 1000 + i));

  it('Conv2D matches stock', () => {
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('Conv2D', { x, filter }, attrs) as tf.Tensor);
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it('Conv2DBackpropInput matches stock', () => {
    const { stock, fast } = stockAndFast(
      () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
    );
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it('Conv2DBackpropFilter matches stock', () => {
    const { stock, fast } = stockAndFast(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor,
    );
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });
});

describe('FusedConv2D', () => {
  const x = keep(seeded([2, 7, 6, 3], 1));
  const filter = keep(seeded([3, 3, 3, 5], 2));
  const bias = keep(seeded([5], 3));
  const fused = (activation: string, withBias: boolean) => () =>
    tf.engine().runKernel('FusedConv2D', withBias ? { x, filter, bias } : { x, filter }, {
      strides: 2,
      pad: 'same',
      dataFormat: 'NHWC',
      dilations: 1,
      activation,
      leakyreluAlpha: 0.2,
    }) as tf.Tensor;

  it.each(FUSED_EPILOGUE_CASES)('%s activation, bias %s, matches stock', (activation, withBias) => {
    const { stock, fast } = stockAndFast(fused(activation, withBias));
    expect(relativeError(fast, stock)).toBeLessThan(TOLERANCE);
  });

  it.each(['linear', 'relu', 'relu6', 'leakyrelu'])('adds the bias and applies %s to the convolution as separate kernels would, bit for bit', (activation) => {
    const out = fused(activation, true)();
    const fusedValues = out.dataSync();
    out.dispose();
    const composed = tf.tidy(() => {
      const sum = tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 2, 'same'), bias);
      if (activation === 'relu') return tf.relu(sum);
      if (activation === 'relu6') return tf.relu6(sum);
      if (activation === 'leakyrelu') return tf.leakyRelu(sum, 0.2);
      return sum;
    });
    expect(Array.from(fusedValues)).toEqual(Array.from(composed.dataSync()));
    composed.dispose();
  });

  it('hands prelu to the stock kernel and still gives its result', () => {
    const alpha = keep(tf.fill([5], 0.1));
    const { stock, fast } = stockAndFast(
      () =>
        tf.engine().runKernel('FusedConv2D', { x, filter, bias, preluActivationWeights: alpha }, {
          strides: 1,
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: 1,
          activation: 'prelu',
        }) as tf.Tensor,
    );
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });
});

describe('cases the fast kernels leave to the stock ones', () => {
  it('dilation 2 gives exactly the stock result', () => {
    const x = keep(seeded([1, 9, 9, 2], 4));
    const filter = keep(seeded([3, 3, 2, 3], 5));
    const { stock, fast } = stockAndFast(() => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same', 'NHWC', 2));
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });

  it('NCHW gives exactly the stock result', () => {
    const x = keep(seeded([1, 2, 6, 6], 6));
    const filter = keep(seeded([3, 3, 2, 4], 7));
    const { stock, fast } = stockAndFast(() => tf.engine().runKernel('Conv2D', { x, filter }, { strides: 1, pad: 'same', dataFormat: 'NCHW', dilations: 1 }) as tf.Tensor);
    expect(Array.from(fast)).toEqual(Array.from(stock));
  });
});
