import type { ProgramUniform, WebgpuProgram } from './webgpuProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from './webgpuProgram.ts';

const WORKGROUP = 64;
/** Rows and columns of C each invocation computes. */
const BLOCK = 4;

/** The 4×4 blocks of an M×N result, one invocation each. */
function blockCount(dims: { m: number; n: number }): number {
  return Math.ceil(dims.m / BLOCK) * Math.ceil(dims.n / BLOCK);
}

/**
 * C[M, N] = A[M, K] · B[N, K]ᵀ with both operands read along k, each invocation computing a
 * 4×4 block of C in registers straight from global memory: no workgroup memory, no
 * barriers. For a 1×1 stride-1 convolution's input gradient (A = dy as [pixels, outC], B =
 * the filter as [inC, outC]) k is only the output channels, too short for a tiled product's
 * staging to pay (on SwiftShader it made the kernel 2–3× slower than stock), while the
 * block still reads each element a quarter as often as stock's one-output-per-invocation
 * kernel. Neighbouring invocations take neighbouring column blocks of the same rows, so they
 * read the same A values.
 */
export class PointwiseProductProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey = 'studioPointwiseProduct';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['A', 'B'];
  uniforms = 'rows : i32, cols : i32, depth : i32, blocksN : i32, blocks : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  private readonly dims: { m: number; n: number; k: number };

  /** `outputShape`'s row-major layout must be C's, [M, N]. */
  constructor(dims: { m: number; n: number; k: number }, outputShape: number[]) {
    this.dims = dims;
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(blockCount(dims) / WORKGROUP), 1, 1];
  }

  /** False when the product needs more workgroups than one dispatch dimension takes. */
  static fits(dims: { m: number; n: number }): boolean {
    return Math.ceil(blockCount(dims) / WORKGROUP) <= MAX_WORKGROUPS_PER_DIMENSION;
  }

  programUniforms(): ProgramUniform[] {
    const { m, n, k } = this.dims;
    // One entry per struct field: the backend aligns an entry of several values as a vector.
    return [m, n, k, Math.ceil(n / BLOCK), blockCount(this.dims)].map((v) => ({ type: 'int32', data: [v] }));
  }

  getUserCode(): string {
    // Rows and columns past C's edge read the last real one (no branch in the loop) and are not written.
    return `
      fn main(index : i32) {
        if (index >= uniforms.blocks) {
          return;
        }
        let m0 = (index / uniforms.blocksN) * ${BLOCK};
        let n0 = (index % uniforms.blocksN) * ${BLOCK};
        let K = uniforms.depth;
        let a0 = min(m0, uniforms.rows - 1) * K;
        let a1 = min(m0 + 1, uniforms.rows - 1) * K;
        let a2 = min(m0 + 2, uniforms.rows - 1) * K;
        let a3 = min(m0 + 3, uniforms.rows - 1) * K;
        let b0 = min(n0, uniforms.cols - 1) * K;
        let b1 = min(n0 + 1, uniforms.cols - 1) * K;
        let b2 = min(n0 + 2, uniforms.cols - 1) * K;
        let b3 = min(n0 + 3, uniforms.cols - 1) * K;
        var c0 = vec4<f32>(0.0);
        var c1 = vec4<f32>(0.0);
        var c2 = vec4<f32>(0.0);
        var c3 = vec4<f32>(0.0);
        for (var k = 0; k < K; k++) {
          let b = vec4<f32>(B[b0 + k], B[b1 + k], B[b2 + k], B[b3 + k]);
          c0 = fma(vec4<f32>(A[a0 + k]), b, c0);
          c1 = fma(vec4<f32>(A[a1 + k]), b, c1);
          c2 = fma(vec4<f32>(A[a2 + k]), b, c2);
          c3 = fma(vec4<f32>(A[a3 + k]), b, c3);
        }
        let rows = array<vec4<f32>, 4>(c0, c1, c2, c3);
        for (var i = 0; i < ${BLOCK}; i++) {
          let m = m0 + i;
          if (m < uniforms.rows) {
            for (var j = 0; j < ${BLOCK}; j++) {
              if (n0 + j < uniforms.cols) {
                result[m * uniforms.cols + n0 + j] = rows[i][j];
              }
            }
          }
        }
      }
    `;
  }
}
