import type { backend_util } from '@tensorflow/tfjs-core';
import { NO_EPILOGUE, epilogueKey, epilogueWgsl, type FusedEpilogue } from './fusedEpilogue.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, SELF_INDEXED_LAYOUT, type ProgramUniform, type WebgpuProgram } from './webgpuProgram.ts';

/**
 * One side of a convolution gradient written as a matrix product C[M, N] = Σₖ A[m, k]·B[k, n]
 * whose operands are gathered straight from the NHWC tensors (implicit im2col: nothing is
 * materialized). Index arithmetic is split so that divisions run once per row and once per k
 * rather than once per element: `rowInfo` (WGSL body, `row` in scope, returns vec4<i32>) is
 * computed once per tile row, `kInfo` (`k` in scope) once per k of a step, and `loadA`
 * (`r`, `q`: those two; `row`, `k`) and `loadB` (`q`, `k`, `col`) return the element, 0
 * where the convolution reads padding. `aAlongK` says A's consecutive k are neighbours in
 * memory (else consecutive rows are), likewise `bAlongK`, so tile loads stay coalesced.
 */
export interface ConvGemmOperands {
  name: string;
  variableNames: [string, string];
  rowInfo: string;
  kInfo: string;
  loadA: string;
  loadB: string;
  aAlongK: boolean;
  bAlongK: boolean;
  /** Geometry compiled into the shader as `const` (a division by a constant stride is a shift or nothing). */
  constants?: (info: backend_util.Conv2DInfo) => Record<string, number>;
  /** WGSL body (`row` in scope) giving the row of the output C's row `row` is written to; C's own row when absent. */
  outRow?: string;
}

/**
 * WGSL body: the output pixel `index` counts (batch-major, then rows, then columns) as
 * vec4(b, its patch's top row, its left column, 0) in x. The forward's rows and the filter
 * gradient's k are both output pixels.
 */
export function patchCornerWgsl(index: string): string {
  return `
    let rest = ${index} / uniforms.outW;
    let ox = ${index} - rest * uniforms.outW;
    let b = rest / uniforms.outH;
    let oy = rest - b * uniforms.outH;
    return vec4<i32>(b, oy * uniforms.strideH - uniforms.padT, ox * uniforms.strideW - uniforms.padL, 0);`;
}

/** WGSL body: the tap `index` counts in the filter's [fH, fW, inC] order as vec4(ci, wr, wc, 0): the forward's k, the filter gradient's rows. */
export function filterTapWgsl(index: string): string {
  return `
    let tap = ${index} / uniforms.inC;
    return vec4<i32>(${index} - tap * uniforms.inC, tap / uniforms.fW, tap % uniforms.fW, 0);`;
}

/** WGSL body: x at patch corner `corner` (from `patchCornerWgsl`) and tap `tap` (.y, .z: filter row and column) in channel `channel`; 0 in the padding. */
export function patchLoadWgsl(corner: string, tap: string, channel: string): string {
  return `
    let xr = ${corner}.y + ${tap}.y;
    let xc = ${corner}.z + ${tap}.z;
    if (xr < 0 || xr >= uniforms.inH || xc < 0 || xc >= uniforms.inW) {
      return 0.0;
    }
    return x[((${corner}.x * uniforms.inH + xr) * uniforms.inW + xc) * uniforms.inC + ${channel}];`;
}

export interface ConvGemmPlan {
  dimM: number;
  dimN: number;
  dimK: number;
  tileM: number;
  tileN: number;
  /** Slices of the k range run by separate workgroups into partial sums (1: no slicing). */
  splits: number;
  kPerSplit: number;
}

const TILE_K = 16;
/** Enough workgroups to fill a large GPU (an H100 has 132 SMs) before the k range is sliced. */
const TARGET_WORKGROUPS = 256;
/** A k slice shorter than this costs more in partial sums than it gains in parallelism. */
const MIN_K_PER_SPLIT = 256;
/** The partial sums are at most this many floats (64 MiB). */
const MAX_PARTIAL_ELEMENTS = 16 * 1024 * 1024;

/**
 * The tile edge for a dimension: large tiles reuse each loaded element more, but a tile
 * hanging past the matrix's edge computes zeros (3 input channels in a 16-wide tile waste
 * 13/16 of the work), so the choice weighs both.
 */
export function tileFor(dim: number, candidates: readonly number[]): number {
  let best = candidates[0];
  let bestScore = -1;
  for (const t of candidates) {
    const score = (dim / (Math.ceil(dim / t) * t)) * (t / (t + 16));
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}

const TILE_M_CANDIDATES = [16, 32, 64];
/** Columns can be as narrow as 4 (one invocation across), for the first layer's 3 channels. */
const TILE_N_CANDIDATES = [4, 8, 16, 32, 64];

/**
 * Tile sizes and k slicing for an M×N×K product. A filter gradient has a small M×N (the
 * filter) and a huge k (every output pixel of the batch): without slicing it would run on a
 * handful of workgroups, so k is cut into slices summed afterwards by `SumSplitsProgram`.
 */
export function planConvGemm(dimM: number, dimN: number, dimK: number, allowSplits = true): ConvGemmPlan {
  const tileM = tileFor(dimM, TILE_M_CANDIDATES);
  const tileN = tileFor(dimN, TILE_N_CANDIDATES);
  const tiles = Math.ceil(dimM / tileM) * Math.ceil(dimN / tileN);
  // An empty k (a stride phase no tap lands in) is one unsliced pass that writes zeros.
  if (!allowSplits || dimK === 0) return { dimM, dimN, dimK, tileM, tileN, splits: 1, kPerSplit: Math.ceil(dimK / TILE_K) * TILE_K };
  let splits = Math.min(
    Math.ceil(TARGET_WORKGROUPS / tiles),
    Math.floor(dimK / MIN_K_PER_SPLIT),
    Math.floor(MAX_PARTIAL_ELEMENTS / (dimM * dimN)),
    MAX_WORKGROUPS_PER_DIMENSION,
  );
  splits = Math.max(1, splits);
  const kPerSplit = Math.ceil(dimK / splits / TILE_K) * TILE_K;
  splits = Math.ceil(dimK / kPerSplit);
  return { dimM, dimN, dimK, tileM, tileN, splits, kPerSplit };
}

/** The convolution's geometry as the uniforms every program here declares, in this order. */
export const CONV_UNIFORMS =
  'inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, fH : i32, fW : i32, strideH : i32, strideW : i32, padT : i32, padL : i32,';

export function convUniforms(info: backend_util.Conv2DInfo): ProgramUniform[] {
  return [
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ].map((v) => ({ type: 'int32', data: [v] }));
}

/**
 * A tiled matrix product over gathered operands: each workgroup stages a TILE_K-deep slice
 * of A (tileM rows) and B (tileN columns) in workgroup memory and each invocation
 * accumulates a 4×4 block of C from it, so every element loaded from global memory is used
 * tileM or tileN times instead of once. With `splits` > 1 workgroup z takes one k slice and
 * the output is the partial sums, [splits, M·N]; otherwise `epilogue` (a fused convolution's
 * bias and activation, column = output channel) is applied as each result is written.
 */
export class ConvGemmProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = SELF_INDEXED_LAYOUT;
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = `dimM : i32, dimN : i32, dimK : i32, kPerSplit : i32, ${CONV_UNIFORMS}`;
  workgroupSize: [number, number, number];

  private readonly constants: Record<string, number>;
  private readonly epilogue: FusedEpilogue;

  constructor(
    private readonly operands: ConvGemmOperands,
    private readonly plan: ConvGemmPlan,
    finalShape: number[],
    info: backend_util.Conv2DInfo,
    epilogue: FusedEpilogue = NO_EPILOGUE,
  ) {
    this.constants = operands.constants?.(info) ?? {};
    this.epilogue = plan.splits > 1 ? NO_EPILOGUE : epilogue;
    this.variableNames = [...operands.variableNames, ...(this.epilogue.bias ? ['bias'] : [])];
    this.outputShape = plan.splits > 1 ? [plan.splits, plan.dimM * plan.dimN] : finalShape;
    this.workgroupSize = [plan.tileN / 4, plan.tileM / 4, 1];
    this.dispatch = [Math.ceil(plan.dimN / plan.tileN), Math.ceil(plan.dimM / plan.tileM), plan.splits];
    const constants = Object.entries(this.constants).map(([name, value]) => `${name}${value}`);
    this.shaderKey = `studioConvGemm_${operands.name}_${plan.tileM}x${plan.tileN}_${constants.join('_')}_${epilogueKey(this.epilogue)}`;
  }

  programUniforms(): ProgramUniform[] {
    const { dimM, dimN, dimK, kPerSplit } = this.plan;
    return [dimM, dimN, dimK, kPerSplit].map((v) => ({ type: 'int32', data: [v] }));
  }

  getUserCode(): string {
    const { tileM, tileN } = this.plan;
    const threads = (tileM / 4) * (tileN / 4);
    const stepM = tileM / 4;
    const stepN = tileN / 4;
    const split = (alongK: boolean, other: number) =>
      alongK ? `let kk = i % ${TILE_K}; let o = i / ${TILE_K};` : `let o = i % ${other}; let kk = i / ${other};`;
    const constants = Object.entries(this.constants).map(([name, value]) => `const ${name} = ${value};`);
    // Unrolled with literal indices: private arrays indexed in loops end up in memory on
    // some compilers (SwiftShader's among them), and four vec4 accumulators map onto SIMD lanes.
    const rows = [0, 1, 2, 3];
    const multiplyTiles = Array.from({ length: TILE_K }, (_, kk) => {
      const b = rows.map((j) => `tileB[${kk * tileN + j * stepN} + tx]`).join(', ');
      const updates = rows.map((i) => `acc${i} = acc${i} + tileA[${kk * tileM + i * stepM} + ty] * bv${kk};`).join(' ');
      return `          let bv${kk} = vec4<f32>(${b}); ${updates}`;
    }).join('\n');
    const writeResults = rows
      .map(
        (i) => `
        {
          let row = row0 + ty + ${i * stepM};
          if (row < uniforms.dimM) {
            let dst = base + outRow(row) * uniforms.dimN;
            ${rows.map((j) => `if (col0 + tx + ${j * stepN} < uniforms.dimN) { let col = col0 + tx + ${j * stepN}; result[dst + col] = epilogue(acc${i}[${j}], col); }`).join('\n            ')}
          }
        }`,
      )
      .join('');
    return `
      ${constants.join('\n')}
      var<workgroup> tileA : array<f32, ${TILE_K * tileM}>;
      var<workgroup> tileB : array<f32, ${TILE_K * tileN}>;
      var<workgroup> rowTable : array<vec4<i32>, ${tileM}>;
      var<workgroup> kTable : array<vec4<i32>, ${TILE_K}>;

      ${epilogueWgsl(this.epilogue)}
      fn outRow(row : i32) -> i32 {
        ${this.operands.outRow ?? 'return row;'}
      }
      fn rowInfo(row : i32) -> vec4<i32> {
        ${this.operands.rowInfo}
      }
      fn kInfo(k : i32) -> vec4<i32> {
        ${this.operands.kInfo}
      }
      fn loadA(r : vec4<i32>, q : vec4<i32>, row : i32, k : i32) -> f32 {
        ${this.operands.loadA}
      }
      fn loadB(q : vec4<i32>, k : i32, col : i32) -> f32 {
        ${this.operands.loadB}
      }
      fn fillKTable(k0 : i32, kEnd : i32, lid : i32) {
        for (var i = lid; i < ${TILE_K}; i += ${threads}) {
          if (k0 + i < kEnd) {
            kTable[i] = kInfo(k0 + i);
          }
        }
      }

      fn main() {
        let tx = i32(localId.x);
        let ty = i32(localId.y);
        let lid = i32(localIndex);
        let row0 = i32(workgroupId.y) * ${tileM};
        let col0 = i32(workgroupId.x) * ${tileN};
        let kStart = i32(workgroupId.z) * uniforms.kPerSplit;
        let kEnd = min(kStart + uniforms.kPerSplit, uniforms.dimK);
        for (var i = lid; i < ${tileM}; i += ${threads}) {
          if (row0 + i < uniforms.dimM) {
            rowTable[i] = rowInfo(row0 + i);
          }
        }
        fillKTable(kStart, kEnd, lid);
        workgroupBarrier();
        // The loop count comes from uniforms alone, so every barrier is in uniform control flow.
        let steps = (uniforms.kPerSplit + ${TILE_K - 1}) / ${TILE_K};
        var acc0 = vec4<f32>(0.0);
        var acc1 = vec4<f32>(0.0);
        var acc2 = vec4<f32>(0.0);
        var acc3 = vec4<f32>(0.0);
        for (var s = 0; s < steps; s++) {
          let k0 = kStart + s * ${TILE_K};
          for (var i = lid; i < ${TILE_K * tileM}; i += ${threads}) {
            ${split(this.operands.aAlongK, tileM)}
            let k = k0 + kk;
            let row = row0 + o;
            var v = 0.0;
            if (k < kEnd && row < uniforms.dimM) {
              v = loadA(rowTable[o], kTable[kk], row, k);
            }
            tileA[kk * ${tileM} + o] = v;
          }
          for (var i = lid; i < ${TILE_K * tileN}; i += ${threads}) {
            ${split(this.operands.bAlongK, tileN)}
            let k = k0 + kk;
            let col = col0 + o;
            var v = 0.0;
            if (k < kEnd && col < uniforms.dimN) {
              v = loadB(kTable[kk], k, col);
            }
            tileB[kk * ${tileN} + o] = v;
          }
          workgroupBarrier();
${multiplyTiles}
          // The next step's k table is not read until after the barrier, and this step's is no longer read.
          fillKTable(k0 + ${TILE_K}, kEnd, lid);
          workgroupBarrier();
        }
        let base = i32(workgroupId.z) * uniforms.dimM * uniforms.dimN;
${writeResults}
      }
    `;
  }
}
