import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { FastKernel, FastKernelArgs } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';

export interface ConvKernelSpec {
  kernelName: string;
  depthwise: boolean;
  /** The two float32 inputs the math reads, in the order `compute` takes them. */
  operands(inputs: Record<string, TensorInfo>): [TensorInfo, TensorInfo];
  /** The forward convolution's input and filter shapes, which gradient kernels get as attrs. */
  shapes(args: FastKernelArgs): { inShape: number[]; filterShape: number[] };
  outShape(info: backend_util.Conv2DInfo): number[];
  compute(a: Float32Array, b: Float32Array, info: backend_util.Conv2DInfo): Float32Array;
}

/**
 * A convolution kernel (forward or a gradient, regular or depthwise) over two float32
 * operands: it falls back to the stock kernel whenever the geometry or a dtype is one the
 * fast path does not cover.
 */
export function convKernel(spec: ConvKernelSpec): FastKernel {
  return {
    kernelName: spec.kernelName,
    run(args) {
      const { inShape, filterShape } = spec.shapes(args);
      const info = supportedConvInfo(inShape, filterShape, args.attrs as unknown as ConvAttrs, spec.depthwise);
      const [a, b] = spec.operands(args.inputs).map((t) => float32Values(args.backend, t));
      if (!info || !a || !b) return undefined;
      return args.backend.makeTensorInfo(spec.outShape(info), 'float32', spec.compute(a, b, info));
    },
  };
}
