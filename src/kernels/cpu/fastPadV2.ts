import { PadV2, type PadV2Attrs } from '@tensorflow/tfjs-core';
import { copyBlock } from './copyBlock.ts';
import { float32Values, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * A constant padding (tfjs-layers' ZeroPadding2D, the explicit padding of PyTorch-convention
 * strided convolutions, and the gradient of a slice): the constant, then the input copied into
 * the interior run by run. The same values as stock, which places every value by its coordinates.
 */
export const fastPadV2: FastKernel = {
  kernelName: PadV2,
  run({ inputs, backend, attrs }) {
    const { x } = inputs;
    const values = x && float32Values(backend, x);
    if (!values) return undefined;
    const { paddings, constantValue } = attrs as unknown as PadV2Attrs;
    const shape = x.shape.map((s, d) => paddings[d][0] + s + paddings[d][1]);
    const out = float32Pool.uninitialized(shape.reduce((a, b) => a * b, 1));
    out.fill(constantValue);
    copyBlock(values, x.shape, x.shape.map(() => 0), out, shape, paddings.map((p) => p[0]), x.shape);
    return backend.makeTensorInfo(shape, 'float32', out);
  },
};
