import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { NO_EPILOGUE, epilogueKey, epilogueWgsl, fusedEpilogue, type FusedEpilogue } from './fusedEpilogue.ts';
import { planSumSlices, sumSplits } from './sumSplitsProgram.ts';
import { SELF_INDEXED_LAYOUT, allFloat32, type ProgramUniform, type WebgpuKernel, type WebgpuKernelArgs, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;
/**
 * Products with at most this many outputs run here (256 workgroups at most, far within a
 * dispatch's limit); larger ones have enough 32×32 tiles for stock's tiled product, which
 * reuses each loaded element where this reads from memory.
 */
export const MAX_DIRECT_OUTPUTS = 16384;

interface MatMulDims {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Elements between one batch's matrix and the next (0: the operand is shared by every batch). */
  batchStrideA: number;
  batchStrideB: number;
}

/**
 * C[b, m, n] = Σₖ A[b, m, k] · B[b, k, n] (either operand transposed), one invocation per
 * output and slice of k, so that a small product still has thousands of invocations: the
 * partial sums are added by `sumSplits`, which then applies the epilogue; unsliced, the
 * epilogue runs here.
 */
class DirectMatMulProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = SELF_INDEXED_LAYOUT;
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = 'batch : i32, m : i32, n : i32, k : i32, batchStrideA : i32, batchStrideB : i32, perSplit : i32,';
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(
    private readonly dims: MatMulDims,
    private readonly transposeA: boolean,
    private readonly transposeB: boolean,
    private readonly perSplit: number,
    splits: number,
    private readonly epilogue: FusedEpilogue,
  ) {
    const outputs = dims.batch * dims.m * dims.n;
    this.outputShape = splits > 1 ? [splits, outputs] : [dims.batch, dims.m, dims.n];
    this.dispatch = [Math.ceil(outputs / WORKGROUP), splits, 1];
    this.variableNames = ['A', 'B', ...(epilogue.bias ? ['bias'] : [])];
    this.shaderKey = `studioDirectMatMul_${transposeA}_${transposeB}_${epilogueKey(epilogue)}`;
  }

  programUniforms(): ProgramUniform[] {
    const { batch, m, n, k, batchStrideA, batchStrideB } = this.dims;
    return [batch, m, n, k, batchStrideA, batchStrideB, this.perSplit].map((v) => ({ type: 'int32', data: [v] }));
  }

  getUserCode(): string {
    // Offsets of A[m, k] and B[k, n] and how far one k moves them.
    const a = this.transposeA ? ['row', 'uniforms.m'] : ['row * uniforms.k', '1'];
    const b = this.transposeB ? ['col * uniforms.k', '1'] : ['col', 'uniforms.n'];
    return `
      ${epilogueWgsl(this.epilogue)}
      fn main() {
        let index = i32(workgroupId.x) * ${WORKGROUP} + i32(localIndex);
        let outputs = uniforms.batch * uniforms.m * uniforms.n;
        if (index >= outputs) {
          return;
        }
        let col = index % uniforms.n;
        let rest = index / uniforms.n;
        let row = rest % uniforms.m;
        let batch = rest / uniforms.m;
        let k0 = i32(workgroupId.y) * uniforms.perSplit;
        let k1 = min(k0 + uniforms.perSplit, uniforms.k);
        var pa = batch * uniforms.batchStrideA + ${a[0]} + k0 * ${a[1]};
        var pb = batch * uniforms.batchStrideB + ${b[0]} + k0 * ${b[1]};
        var sum = 0.0;
        for (var kk = k0; kk < k1; kk++) {
          sum = fma(A[pa], B[pb], sum);
          pa = pa + ${a[1]};
          pb = pb + ${b[1]};
        }
        ${this.dispatch[1] > 1 ? 'result[i32(workgroupId.y) * outputs + index] = sum;' : 'result[index] = epilogue(sum, col);'}
      }
    `;
  }
}

/** A small product, or undefined (stock runs it) when it is large, not float32, or its batches do not broadcast simply. */
function directMatMul({ inputs, backend, attrs }: WebgpuKernelArgs, epilogueFor: (n: number) => FusedEpilogue | undefined): TensorInfo | undefined {
  const { a, b, bias } = inputs;
  if (!allFloat32(a, b) || a.shape.length !== 3 || b.shape.length !== 3) return undefined;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const [batchA, a1, a2] = a.shape;
  const [batchB, b1, b2] = b.shape;
  const [m, k] = transposeA ? [a2, a1] : [a1, a2];
  const n = transposeB ? b1 : b2;
  if ((transposeB ? b2 : b1) !== k) return undefined;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const batch = Math.max(batchA, batchB);
  const outputs = batch * m * n;
  if (outputs === 0 || k === 0 || outputs > MAX_DIRECT_OUTPUTS) return undefined;
  const epilogue = epilogueFor(n);
  if (!epilogue) return undefined;
  const dims: MatMulDims = { batch, m, n, k, batchStrideA: batchA === 1 ? 0 : m * k, batchStrideB: batchB === 1 ? 0 : k * n };
  const { splits, perSplit } = planSumSlices(outputs, k);
  const program = new DirectMatMulProgram(dims, transposeA, transposeB, perSplit, splits, splits > 1 ? NO_EPILOGUE : epilogue);
  const programInputs = splits === 1 && epilogue.bias ? [a, b, bias] : [a, b];
  const out = runStudioProgram(backend, program, programInputs, program.programUniforms());
  return sumSplits(backend, out, splits, [batch, m, n], epilogue, epilogue.bias ? bias : undefined);
}

/**
 * tfjs-backend-webgpu 4.22 runs a product of at most 128 outputs with one workgroup per
 * output (a dense layer's [32, 4] logits, squeeze-excite's [32, 2]: each 30–40 ms on
 * SwiftShader) and other small ones on small tiles. Small products run here instead, one
 * invocation per output and slice of k; large ones stay on stock's tiled product.
 */
export const fastBatchMatMul: WebgpuKernel = {
  kernelName: 'BatchMatMul',
  run: (args) => directMatMul(args, () => NO_EPILOGUE),
};

/** What tfjs-layers' Dense calls: the bias and the activation as the convolution's epilogue (prelu goes to stock). */
export const fastFusedMatMul: WebgpuKernel = {
  kernelName: '_FusedMatMul',
  run: (args) => (args.inputs.preluActivationWeights ? undefined : directMatMul(args, (n) => fusedEpilogue(args.attrs, args.inputs.bias, n))),
};
