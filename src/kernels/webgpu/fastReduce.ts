import { backend_util, Mean, Sum, util } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import type { MeanAttrs, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { planSumSlices, sumSplits } from './sumSplitsProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, SELF_INDEXED_LAYOUT, allFloat32, type ProgramUniform, type WebgpuBackendLike, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * Sums `x` viewed as [outer, reduce, inner] over the middle axis, one invocation per output
 * (neighbouring invocations read neighbouring elements), the reduced axis sliced across
 * workgroup rows y: [splits, outer·inner] partial sums, each divided by `divisor`.
 */
class ReduceMiddleProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey = 'studioReduceMiddle';
  dispatchLayout = SELF_INDEXED_LAYOUT;
  dispatch: [number, number, number];
  variableNames = ['x'];
  uniforms = 'outer : i32, reduce : i32, inner : i32, perSplit : i32, divisor : f32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(
    private readonly outer: number,
    private readonly reduce: number,
    private readonly inner: number,
    private readonly perSplit: number,
    private readonly divisor: number,
    outputShape: number[],
  ) {
    this.outputShape = outputShape;
    this.dispatch = [Math.ceil((outer * inner) / WORKGROUP), Math.ceil(reduce / perSplit), 1];
  }

  programUniforms(): ProgramUniform[] {
    return [
      ...[this.outer, this.reduce, this.inner, this.perSplit].map((v) => ({ type: 'int32' as const, data: [v] })),
      { type: 'float32', data: [this.divisor] },
    ];
  }

  getUserCode(): string {
    return `
      fn main() {
        let index = i32(workgroupId.x) * ${WORKGROUP} + i32(localIndex);
        let outputs = uniforms.outer * uniforms.inner;
        if (index >= outputs) {
          return;
        }
        let o = index / uniforms.inner;
        let i = index - o * uniforms.inner;
        let r0 = i32(workgroupId.y) * uniforms.perSplit;
        let r1 = min(r0 + uniforms.perSplit, uniforms.reduce);
        var p = (o * uniforms.reduce + r0) * uniforms.inner + i;
        var sum = 0.0;
        for (var r = r0; r < r1; r++) {
          sum = sum + x[p];
          p = p + uniforms.inner;
        }
        result[i32(workgroupId.y) * outputs + index] = sum / uniforms.divisor;
      }
    `;
  }
}

function reduceMiddle(backend: WebgpuBackendLike, x: TensorInfo, outer: number, reduce: number, inner: number, mean: boolean, outShape: number[]): TensorInfo {
  const { splits, perSplit } = planSumSlices(outer * inner, reduce);
  // Sliced, each slice's sum is divided (the mean's terms then add up in split order).
  const program = new ReduceMiddleProgram(outer, reduce, inner, perSplit, mean ? reduce : 1, splits > 1 ? [splits, outer * inner] : outShape);
  return sumSplits(backend, runStudioProgram(backend, program, [x], program.programUniforms()), splits, outShape);
}

/**
 * tfjs-backend-webgpu 4.22 reduces over axes that are not innermost by transposing them
 * innermost and then running one workgroup per output: a global average pool over a 1×1
 * map (`Mean` of [32, 1, 1, 1280] over H and W) became 40,960 workgroups reducing one
 * element each, a second on SwiftShader, and EfficientNet's squeeze-excite means and their
 * gradients' sums were half its training step. The studio sums a run of neighbouring axes
 * in place, one invocation per output; reductions over the innermost axis (where stock's
 * workgroup reduction is the right shape), non-float32 inputs and axes that are not
 * neighbours go to stock.
 */
function reduceKernel(kernelName: string, mean: boolean): WebgpuKernel {
  return {
    kernelName,
    run({ inputs, backend, attrs }) {
      const { x } = inputs;
      if (!allFloat32(x)) return undefined;
      const { axis, keepDims } = attrs as unknown as SumAttrs | MeanAttrs;
      const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      if (axes.length === 0 || axes.some((a, i) => i > 0 && a !== axes[i - 1] + 1)) return undefined;
      const outer = util.sizeFromShape(x.shape.slice(0, axes[0]));
      const reduce = util.sizeFromShape(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
      const inner = util.sizeFromShape(x.shape.slice(axes[axes.length - 1] + 1));
      if (inner === 1 || reduce === 0 || outer * inner === 0 || Math.ceil((outer * inner) / WORKGROUP) > MAX_WORKGROUPS_PER_DIMENSION) return undefined;
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return reduceMiddle(backend, x, outer, reduce, inner, mean, shape);
    },
  };
}

export const fastSum = reduceKernel(Sum, false);
export const fastMean = reduceKernel(Mean, true);
