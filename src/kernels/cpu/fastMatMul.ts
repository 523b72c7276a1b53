import { BatchMatMul, _FusedMatMul } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, TensorInfo, _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { fusedEpilogue } from './fusedEpilogue.ts';
import { gemmAccumulate } from './gemm.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * `y[i] = A[i]·B[i]` over the batch (either side's batch of 1 broadcast), transposes read
 * through strides, on the studio's GEMM; or undefined (stock runs it) for other dtypes or
 * batches that do not broadcast that simply. tfjs's ops hand the kernel 3-D operands.
 */
function batchMatMul({ inputs, backend, attrs }: FastKernelArgs): { y: Float32Array; shape: number[] } | undefined {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const aValues = float32Values(backend, a);
  const bValues = float32Values(backend, b);
  if (!aValues || !bValues || a.shape.length !== 3 || b.shape.length !== 3) return undefined;
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const [batchA, a1, a2] = a.shape;
  const [batchB, b1, b2] = b.shape;
  const [m, k] = transposeA ? [a2, a1] : [a1, a2];
  const [kb, n] = transposeB ? [b2, b1] : [b1, b2];
  if (kb !== k || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
  const batch = Math.max(batchA, batchB);
  const y = float32Pool.zeros(batch * m * n);
  for (let i = 0; i < batch; i++) {
    const aAt = batchA === 1 ? 0 : i * m * k;
    const bAt = batchB === 1 ? 0 : i * k * n;
    gemmAccumulate(
      m,
      n,
      k,
      { data: aValues, offset: aAt, rowStride: transposeA ? 1 : k, colStride: transposeA ? m : 1 },
      { data: bValues, offset: bAt, rowStride: transposeB ? 1 : n, colStride: transposeB ? k : 1 },
      { data: y, offset: i * m * n, rowStride: n, colStride: 1 },
    );
  }
  return { y, shape: [batch, m, n] };
}

/** Dense layers' and their gradients' products (tfjs-cpu's own loops are scalar JavaScript). */
export const fastBatchMatMul: FastKernel = {
  kernelName: BatchMatMul,
  run(args) {
    const result = batchMatMul(args);
    return result && args.backend.makeTensorInfo(result.shape, 'float32', result.y);
  },
};

/** What tfjs-layers' Dense calls: the product, then the bias and the activation as the stock kernel composes them. */
export const fastFusedMatMul: FastKernel = {
  kernelName: _FusedMatMul,
  run(args) {
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const b = args.inputs.b;
    const epilogue = fusedEpilogue(args, attrs, attrs.transposeB ? b.shape[1] : b.shape[2]);
    if (!epilogue) return undefined;
    const result = batchMatMul(args);
    if (!result) return undefined;
    epilogue(result.y);
    return args.backend.makeTensorInfo(result.shape, 'float32', result.y);
  },
};
