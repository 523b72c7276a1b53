import { Slice, slice_util, type SliceAttrs } from '@tensorflow/tfjs-core';
import { copyBlock } from './copyBlock.ts';
import { float32Values, type FastKernel } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * A slice that is not one contiguous range (the gradient of a padding, a crop): copied run by
 * run. A contiguous one stays with stock, which returns a view of the input without copying.
 */
export const fastSlice: FastKernel = {
  kernelName: Slice,
  run({ inputs, backend, attrs }) {
    const { x } = inputs;
    const values = x && float32Values(backend, x);
    if (!values) return undefined;
    const { begin, size } = attrs as unknown as SliceAttrs;
    const [$begin, $size] = slice_util.parseSliceParams(x as Parameters<typeof slice_util.parseSliceParams>[0], begin, size);
    slice_util.assertParamsValid(x as Parameters<typeof slice_util.assertParamsValid>[0], $begin, $size);
    if (slice_util.isSliceContinous(x.shape, $begin, $size)) return undefined;
    const out = float32Pool.uninitialized($size.reduce((a, b) => a * b, 1));
    copyBlock(values, x.shape, $begin, out, $size, $size.map(() => 0), $size);
    return backend.makeTensorInfo($size, 'float32', out);
  },
};
