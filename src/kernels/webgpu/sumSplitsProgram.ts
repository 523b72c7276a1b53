import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebgpuBackendLike, WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/** Sums partial results [splits, size] over the splits, in split order, into `outputShape`. */
export class SumSplitsProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey = 'studioSumSplits';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['partials'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var sum = 0.0;
          for (var s = 0; s < uniforms.splits; s++) {
            sum = sum + partials[s * uniforms.size + index];
          }
          result[index] = sum;
        }
      }
    `;
  }
}

/** The result of a program that wrote `splits` partial sums: as is when there is one, else summed (the partials released). */
export function sumSplits(backend: WebgpuBackendLike, out: TensorInfo, splits: number, outShape: number[]): TensorInfo {
  if (splits === 1) return out;
  const summed = backend.runWebGPUProgram(new SumSplitsProgram(outShape), [out], 'float32', [{ type: 'int32', data: [splits] }]);
  backend.disposeData(out.dataId);
  return summed;
}
