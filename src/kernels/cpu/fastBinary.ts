import { Add, backend_util, Multiply, RealDiv, Sub, util } from '@tensorflow/tfjs-core';
import type { FastKernel } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';
import { simdElementwisePass } from './simdElementwisePass.ts';

type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * One broadcast axis after merging: `size` elements, read `aStride` / `bStride` apart
 * (0 where that input is broadcast along it).
 */
interface Axis {
  size: number;
  aStride: number;
  bStride: number;
}

/**
 * The output's axes with broadcasting folded into strides, and neighbouring axes merged
 * wherever both inputs walk them contiguously, so `[16,32,32,8] × [8]` becomes two axes
 * (16384 rows of 8) instead of four.
 */
function broadcastAxes(aShape: number[], bShape: number[], outShape: number[]): Axis[] {
  const rank = outShape.length;
  const strides = (shape: number[]): number[] => {
    const s = new Array<number>(rank).fill(0);
    let step = 1;
    for (let d = rank - 1, i = shape.length - 1; i >= 0; d--, i--) {
      s[d] = shape[i] === 1 ? 0 : step;
      step *= shape[i];
    }
    return s;
  };
  const aStrides = strides(aShape);
  const bStrides = strides(bShape);
  const axes: Axis[] = [];
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const axis = { size: outShape[d], aStride: aStrides[d], bStride: bStrides[d] };
    const inner = axes[axes.length - 1];
    // Merge `inner` (the axis before d) into d when stepping it is the same as stepping d `size` times.
    if (inner && inner.aStride === axis.aStride * axis.size && inner.bStride === axis.bStride * axis.size) {
      axes[axes.length - 1] = { size: inner.size * axis.size, aStride: axis.aStride, bStride: axis.bStride };
    } else {
      axes.push(axis);
    }
  }
  return axes.length > 0 ? axes : [{ size: 1, aStride: 0, bStride: 0 }];
}

/** `out[o..o+n) = a[ia + j·sa] op b[ib + j·sb]`: one loop per op, so the JIT inlines the arithmetic. */
function innerLoop(op: BinaryOp, n: number, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, out: Float32Array, o: number): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) out[o + j] = a[ia + j * sa] + b[ib + j * sb];
      return;
    case 'sub':
      for (let j = 0; j < n; j++) out[o + j] = a[ia + j * sa] - b[ib + j * sb];
      return;
    case 'mul':
      for (let j = 0; j < n; j++) out[o + j] = a[ia + j * sa] * b[ib + j * sb];
      return;
    case 'div':
      for (let j = 0; j < n; j++) out[o + j] = a[ia + j * sa] / b[ib + j * sb];
      return;
  }
}

const SIMD_OP = { add: 'addF32', sub: 'subF32', mul: 'mulF32', div: 'divF32' } as const;

/** `out = a op b` over arrays of one length: the common case (residual sums, gradient accumulation) without strides, 1.4× the strided loop. */
function sameShapeLoop(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  if (simdElementwisePass(SIMD_OP[op], [a, b], out)) return;
  const n = out.length;
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++) out[j] = a[j] + b[j];
      return;
    case 'sub':
      for (let j = 0; j < n; j++) out[j] = a[j] - b[j];
      return;
    case 'mul':
      for (let j = 0; j < n; j++) out[j] = a[j] * b[j];
      return;
    case 'div':
      for (let j = 0; j < n; j++) out[j] = a[j] / b[j];
      return;
  }
}

/** Element-wise `a op b` with numpy broadcasting; the same float64 arithmetic rounded to float32 as the stock kernels, so the values are identical. */
function broadcastBinary(op: BinaryOp, aShape: number[], a: Float32Array, bShape: number[], b: Float32Array): { shape: number[]; values: Float32Array } {
  const shape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const out = float32Pool.uninitialized(util.sizeFromShape(shape));
  const axes = broadcastAxes(aShape, bShape, shape);
  if (axes.length === 1 && axes[0].aStride === 1 && axes[0].bStride === 1) {
    sameShapeLoop(op, a, b, out);
    return { shape, values: out };
  }
  const inner = axes[axes.length - 1];
  const outer = axes.slice(0, -1);
  const index = new Array<number>(outer.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < out.length; o += inner.size) {
    innerLoop(op, inner.size, a, ia, inner.aStride, b, ib, inner.bStride, out, o);
    // Odometer over the outer axes, innermost first.
    for (let d = outer.length - 1; d >= 0; d--) {
      const axis = outer[d];
      ia += axis.aStride;
      ib += axis.bStride;
      if (++index[d] < axis.size) break;
      ia -= axis.aStride * axis.size;
      ib -= axis.bStride * axis.size;
      index[d] = 0;
    }
  }
  return { shape, values: out };
}

function binaryKernel(kernelName: string, op: BinaryOp): FastKernel {
  return {
    kernelName,
    run({ inputs, backend }) {
      const { a, b } = inputs;
      const aValues = float32Values(backend, a);
      const bValues = float32Values(backend, b);
      if (!aValues || !bValues) return undefined;
      const { shape, values } = broadcastBinary(op, a.shape, aValues, b.shape, bValues);
      return backend.makeTensorInfo(shape, 'float32', values);
    },
  };
}

export const fastAdd = binaryKernel(Add, 'add');
export const fastSub = binaryKernel(Sub, 'sub');
export const fastMultiply = binaryKernel(Multiply, 'mul');
export const fastRealDiv = binaryKernel(RealDiv, 'div');
