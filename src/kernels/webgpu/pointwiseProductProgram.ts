import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { NO_EPILOGUE, epilogueKey, epilogueWgsl, type FusedEpilogue } from './fusedEpilogue.ts';
import { planSumSlices, sumSplits } from './sumSplitsProgram.ts';
import type { ProgramUniform, WebgpuBackendLike, WebgpuProgram } from './webgpuProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from './webgpuProgram.ts';

const WORKGROUP = 64;
/** Rows and columns of C each invocation computes. */
const BLOCK = 4;

/** A 1×1, stride-1, unpadded convolution: each output pixel is a product of its own input pixel, no gather. */
export function isPointwise(info: backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

/**
 * How the operands of C[M, N] = A · B lie in memory: A as [M, K] (`mk`, read along k) or
 * [K, M] (`km`), B as [N, K] (`nk`) or [K, N] (`kn`). A 1×1 convolution's three products:
 * - forward, y = x · W: A = x as [pixels, inC] (`mk`), B = W as [inC, outC] (`kn`);
 * - input gradient, dx = dy · Wᵀ: A = dy as [pixels, outC] (`mk`), B = W as [inC, outC] (`nk`);
 * - filter gradient, dW = xᵀ · dy: A = x as [pixels, inC] (`km`), B = dy as [pixels, outC] (`kn`).
 */
export interface PointwiseLayout {
  a: 'mk' | 'km';
  b: 'nk' | 'kn';
}

export interface PointwisePlan {
  m: number;
  n: number;
  k: number;
  /** Slices of the k range written as partial sums [splits, M, N] (1: none). */
  splits: number;
  kPerSplit: number;
}

/** The 4×4 blocks of an M×N result. */
function blockCount(m: number, n: number): number {
  return Math.ceil(m / BLOCK) * Math.ceil(n / BLOCK);
}

/**
 * k slicing for an M×N×K product, one invocation per block and slice, planned as the
 * reductions and small products are (`planSumSlices`, with the blocks as the outputs): a
 * filter gradient's M×N (the filter) can be a few dozen blocks while k (every pixel of the
 * batch) runs to hundreds of thousands. Undefined when even the unsliced product needs more
 * workgroups than one dispatch dimension takes.
 */
export function planPointwise(m: number, n: number, k: number, allowSplits: boolean): PointwisePlan | undefined {
  const blocks = blockCount(m, n);
  if (Math.ceil(blocks / WORKGROUP) > MAX_WORKGROUPS_PER_DIMENSION) return undefined;
  // An empty k (no channels) is one pass of one-term slices that writes zeros.
  const terms = Math.max(k, 1);
  const { splits, perSplit } = allowSplits ? planSumSlices(blocks, terms) : { splits: 1, perSplit: terms };
  return { m, n, k, splits, kPerSplit: perSplit };
}

/**
 * C[M, N] = A · B (operands as `layout` says), each invocation computing a 4×4 block of C
 * over one k slice in registers straight from global memory: no workgroup memory, no
 * barriers. For a 1×1 stride-1 convolution k is only the channels (forward, input gradient)
 * or C is only the filter (filter gradient), and a tiled product's staging did not pay: on
 * SwiftShader the tiled input gradient ran 2–3× slower than stock, the tiled forward 1×1
 * convolutions were 38% of a MobileNetV2 step and ran 5–10× slower than this. The block
 * still reads each element a quarter as often as a one-output-per-invocation kernel.
 * Neighbouring invocations take neighbouring column blocks of the same rows, so they read
 * the same A values. A fused convolution's bias and activation are applied as the block is
 * written, or by the summing pass when k is sliced.
 */
export class PointwiseProductProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = 'rows : i32, cols : i32, depth : i32, blocksN : i32, blocks : i32, kPerSplit : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  private readonly epilogue: FusedEpilogue;

  /** `outputShape`'s row-major layout must be C's, [M, N]; with a bias, it is the third input. */
  constructor(
    private readonly plan: PointwisePlan,
    outputShape: number[],
    private readonly layout: PointwiseLayout,
    epilogue: FusedEpilogue = NO_EPILOGUE,
  ) {
    this.epilogue = plan.splits > 1 ? NO_EPILOGUE : epilogue;
    this.outputShape = plan.splits > 1 ? [plan.splits, plan.m * plan.n] : outputShape;
    this.variableNames = this.epilogue.bias ? ['A', 'B', 'bias'] : ['A', 'B'];
    this.shaderKey = `studioPointwiseProduct_${layout.a}${layout.b}_${epilogueKey(this.epilogue)}`;
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil((blockCount(plan.m, plan.n) * plan.splits) / WORKGROUP), 1, 1];
  }

  programUniforms(): ProgramUniform[] {
    const { m, n, k, kPerSplit } = this.plan;
    // One entry per struct field: the backend aligns an entry of several values as a vector.
    return [m, n, k, Math.ceil(n / BLOCK), blockCount(m, n), kPerSplit].map((v) => ({ type: 'int32', data: [v] }));
  }

  getUserCode(): string {
    const { a, b } = this.layout;
    const four = [0, 1, 2, 3];
    // Rows and columns past C's edge read the last real one (no branch in the loop) and are not written.
    const aRows = four.map((i) => `let a${i} = min(m0 + ${i}, uniforms.rows - 1)${a === 'mk' ? ' * K' : ''};`).join('\n        ');
    const bCols = four.map((j) => `let b${j} = min(n0 + ${j}, uniforms.cols - 1)${b === 'nk' ? ' * K' : ''};`).join('\n        ');
    const aAt = (i: number) => (a === 'mk' ? `A[a${i} + k]` : `A[k * uniforms.rows + a${i}]`);
    const bAt = (j: number) => (b === 'nk' ? `B[b${j} + k]` : `B[k * uniforms.cols + b${j}]`);
    return `
      ${epilogueWgsl(this.epilogue)}
      fn main(index : i32) {
        let split = index / uniforms.blocks;
        let block = index % uniforms.blocks;
        if (split * uniforms.kPerSplit >= max(uniforms.depth, 1)) {
          return;
        }
        let m0 = (block / uniforms.blocksN) * ${BLOCK};
        let n0 = (block % uniforms.blocksN) * ${BLOCK};
        let K = uniforms.depth;
        ${aRows}
        ${bCols}
        var c0 = vec4<f32>(0.0);
        var c1 = vec4<f32>(0.0);
        var c2 = vec4<f32>(0.0);
        var c3 = vec4<f32>(0.0);
        let kEnd = min(K, (split + 1) * uniforms.kPerSplit);
        for (var k = split * uniforms.kPerSplit; k < kEnd; k++) {
          let b = vec4<f32>(${four.map(bAt).join(', ')});
          c0 = fma(vec4<f32>(${aAt(0)}), b, c0);
          c1 = fma(vec4<f32>(${aAt(1)}), b, c1);
          c2 = fma(vec4<f32>(${aAt(2)}), b, c2);
          c3 = fma(vec4<f32>(${aAt(3)}), b, c3);
        }
        let rows = array<vec4<f32>, 4>(c0, c1, c2, c3);
        let base = split * uniforms.rows * uniforms.cols;
        for (var i = 0; i < ${BLOCK}; i++) {
          let m = m0 + i;
          if (m < uniforms.rows) {
            for (var j = 0; j < ${BLOCK}; j++) {
              if (n0 + j < uniforms.cols) {
                result[base + m * uniforms.cols + n0 + j] = epilogue(rows[i][j], n0 + j);
              }
            }
          }
        }
      }
    `;
  }
}

/**
 * A 1×1 convolution's product as `PointwiseProductProgram`, in `outShape` (C's layout),
 * `epilogue` applied (`bias` its bias when it has one); k sliced only with `allowSplits`;
 * undefined when the product is too large for one dispatch dimension (the caller's general
 * path runs it).
 */
export function runPointwiseProduct(
  backend: WebgpuBackendLike,
  inputs: [TensorInfo, TensorInfo],
  dims: { m: number; n: number; k: number },
  layout: PointwiseLayout,
  outShape: number[],
  options: { allowSplits?: boolean; epilogue?: FusedEpilogue; bias?: TensorInfo } = {},
): TensorInfo | undefined {
  const { allowSplits = false, epilogue = NO_EPILOGUE, bias } = options;
  if (epilogue.bias !== (bias !== undefined)) throw new Error('runPointwiseProduct: the epilogue has a bias exactly when a bias tensor is given');
  const plan = planPointwise(dims.m, dims.n, dims.k, allowSplits);
  if (!plan) return undefined;
  const program = new PointwiseProductProgram(plan, outShape, layout, epilogue);
  const out = runStudioProgram(backend, program, plan.splits === 1 && bias ? [...inputs, bias] : inputs, program.programUniforms());
  return sumSplits(backend, out, plan.splits, outShape, epilogue, bias);
}
