import { backend_util, Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { MeanAttrs, SumAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * Sums `x` viewed as `[outer, reduce, inner]` over the middle axis, in float64, each
 * output's terms taken in the same order as the stock kernel's (which transposes the
 * reduced axes innermost and adds them in row-major order), so the sums are identical.
 * `scale` divides every term first, as the stock Mean does (x / n, then sum).
 */
function reduceMiddle(x: Float32Array, outer: number, reduce: number, inner: number, scale?: number): Float32Array {
  const out = float32Pool.zeros(outer * inner);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let src = o * reduce * inner;
    for (let r = 0; r < reduce; r++) {
      if (scale === undefined) {
        for (let i = 0; i < inner; i++) acc[i] += x[src + i];
      } else {
        for (let i = 0; i < inner; i++) acc[i] += Math.fround(x[src + i] / scale);
      }
      src += inner;
    }
    out.set(acc, o * inner);
  }
  return out;
}

function reduceKernel(kernelName: string, mean: boolean): FastKernel {
  return {
    kernelName,
    run({ inputs, backend, attrs }: FastKernelArgs) {
      const { x } = inputs;
      const { axis, keepDims } = attrs as unknown as SumAttrs | MeanAttrs;
      const values = float32Values(backend, x);
      if (!values) return undefined;
      const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      // Only a run of neighbouring axes folds into [outer, reduce, inner]; others go to the stock kernel.
      if (axes.some((a, i) => i > 0 && a !== axes[i - 1] + 1)) return undefined;
      const first = axes.length > 0 ? axes[0] : x.shape.length;
      const last = axes.length > 0 ? axes[axes.length - 1] : x.shape.length - 1;
      const outer = util.sizeFromShape(x.shape.slice(0, first));
      const reduce = util.sizeFromShape(x.shape.slice(first, last + 1));
      const inner = util.sizeFromShape(x.shape.slice(last + 1));
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return backend.makeTensorInfo(shape, 'float32', reduceMiddle(values, outer, reduce, inner, mean ? reduce : undefined));
    },
  };
}

export const fastSum = reduceKernel(Sum, false);
export const fastMean = reduceKernel(Mean, true);
