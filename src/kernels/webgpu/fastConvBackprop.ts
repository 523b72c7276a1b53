import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { ConvGemmProgram, convUniforms, filterTapWgsl, patchCornerWgsl, patchLoadWgsl, planConvGemm, type ConvGemmOperands } from './convGemmProgram.ts';
import { isPointwise, runPointwiseProduct } from './pointwiseProductProgram.ts';
import { runConvGemm } from './runConvGemm.ts';
import { allFloat32, type WebgpuBackendLike, type WebgpuKernel } from './webgpuProgram.ts';

/**
 * dW[wr, wc, ci, co] = Σ over (b, oy, ox) of x[b, oy·s − pad + wr, ox·s − pad + wc, ci] · dy[b, oy, ox, co]:
 * rows are the filter taps (wr, wc, ci), columns the output channels, k every output pixel.
 * Row info: (ci, wr, wc); k info: (b, oy·s − pad, ox·s − pad).
 */
const FILTER_GRADIENT: ConvGemmOperands = {
  name: 'filterGrad',
  variableNames: ['x', 'dy'],
  rowInfo: filterTapWgsl('row'),
  kInfo: patchCornerWgsl('k'),
  loadA: patchLoadWgsl('q', 'r', 'r.x'),
  loadB: 'return dy[k * uniforms.outC + col];',
  aAlongK: false,
  bAlongK: false,
};

/**
 * WGSL body: dy at the output pixel that input pixel `r` (b, xr + padT, xc + padL) reaches
 * through tap `q` (co, wr, wc), channel q.x; 0 where it lands outside dy or, unless the
 * taps were chosen in the pixel's stride phase (`inPhase`), between strided outputs.
 */
function dyThroughTapWgsl(inPhase: boolean): string {
  const between = inPhase ? '' : 'yr * STRIDE_H != yrs || yc * STRIDE_W != ycs || ';
  return `
    let yrs = r.y - q.y;
    let ycs = r.z - q.z;
    if (yrs < 0 || ycs < 0) {
      return 0.0;
    }
    let yr = yrs / STRIDE_H;
    let yc = ycs / STRIDE_W;
    if (${between}yr >= uniforms.outH || yc >= uniforms.outW) {
      return 0.0;
    }
    return dy[((r.x * uniforms.outH + yr) * uniforms.outW + yc) * uniforms.outC + q.x];`;
}

/**
 * dx[b, xr, xc, ci] = Σ over (wr, wc, co) of dy[b, yr, yc, co] · W[wr, wc, ci, co] where
 * yr·s = xr + pad − wr (taps landing between strided outputs contribute nothing): rows are
 * the input pixels, columns the input channels, k the filter taps and output channels.
 * Row info: (b, xr + pad, xc + pad); k info: (co, wr, wc, tap).
 */
const INPUT_GRADIENT: ConvGemmOperands = {
  name: 'inputGrad',
  variableNames: ['dy', 'W'],
  rowInfo: `
    let rest = row / uniforms.inW;
    let xc = row - rest * uniforms.inW;
    let b = rest / uniforms.inH;
    let xr = rest - b * uniforms.inH;
    return vec4<i32>(b, xr + uniforms.padT, xc + uniforms.padL, 0);`,
  kInfo: `
    let tap = k / uniforms.outC;
    return vec4<i32>(k - tap * uniforms.outC, tap / uniforms.fW, tap % uniforms.fW, tap);`,
  loadA: dyThroughTapWgsl(false),
  loadB: 'return W[(q.w * uniforms.inC + col) * uniforms.outC + q.x];',
  aAlongK: true,
  bAlongK: true,
  constants: (info) => ({ STRIDE_H: info.strideHeight, STRIDE_W: info.strideWidth }),
};

/**
 * One stride phase of a strided convolution's input gradient: the input pixels whose
 * (xr + padT) mod sH is `tapRow` and (xc + padL) mod sW is `tapCol` receive only the taps
 * wr ≡ tapRow, wc ≡ tapCol (mod s) — the others land between outputs. As one product over
 * every pixel (INPUT_GRADIENT) three quarters of a stride-2 layer's k read zeros; per phase
 * k holds only the taps that count. Rows are the phase's pixels (compact; written back to
 * their place in dx by `outRow`), k the phase's taps and the output channels.
 */
export interface StridePhase {
  /** The tap phase (wr mod sH, wc mod sW) and the first input row and column that have it. */
  tapRow: number;
  tapCol: number;
  firstRow: number;
  firstCol: number;
  /** Input rows and columns in the phase, taps per filter row and column in it. */
  rows: number;
  cols: number;
  tapsRow: number;
  tapsCol: number;
}

function phaseAxis(phase: number, stride: number, pad: number, inSize: number, filterSize: number): { first: number; count: number; taps: number } {
  const first = (((phase - pad) % stride) + stride) % stride;
  return {
    first,
    count: first < inSize ? Math.ceil((inSize - first) / stride) : 0,
    taps: phase < filterSize ? Math.ceil((filterSize - phase) / stride) : 0,
  };
}

/** The sH·sW stride phases of a convolution's input gradient. */
export function stridePhases(info: backend_util.Conv2DInfo): StridePhase[] {
  const phases: StridePhase[] = [];
  for (let tapRow = 0; tapRow < info.strideHeight; tapRow++) {
    const r = phaseAxis(tapRow, info.strideHeight, info.padInfo.top, info.inHeight, info.filterHeight);
    for (let tapCol = 0; tapCol < info.strideWidth; tapCol++) {
      const c = phaseAxis(tapCol, info.strideWidth, info.padInfo.left, info.inWidth, info.filterWidth);
      phases.push({ tapRow, tapCol, firstRow: r.first, firstCol: c.first, rows: r.count, cols: c.count, tapsRow: r.taps, tapsCol: c.taps });
    }
  }
  return phases;
}

/** WGSL: the phase's pixel `row` counts (batch-major, then the phase's rows, then its columns) as its batch `b` and input row and column `xr`, `xc`. */
const PHASE_PIXEL = `
    let j = row % PHASE_COLS;
    let rest = row / PHASE_COLS;
    let b = rest / PHASE_ROWS;
    let xr = FIRST_ROW + (rest % PHASE_ROWS) * STRIDE_H;
    let xc = FIRST_COL + j * STRIDE_W;`;

function inputGradientPhase(phase: StridePhase): ConvGemmOperands {
  return {
    name: 'inputGradPhase',
    variableNames: ['dy', 'W'],
    rowInfo: `${PHASE_PIXEL}
    return vec4<i32>(b, xr + uniforms.padT, xc + uniforms.padL, 0);`,
    outRow: `${PHASE_PIXEL}
    return (b * uniforms.inH + xr) * uniforms.inW + xc;`,
    kInfo: `
    let t = k / uniforms.outC;
    let wr = TAP_ROW + (t / TAPS_COL) * STRIDE_H;
    let wc = TAP_COL + (t % TAPS_COL) * STRIDE_W;
    return vec4<i32>(k - t * uniforms.outC, wr, wc, wr * uniforms.fW + wc);`,
    loadA: dyThroughTapWgsl(true),
    loadB: 'return W[(q.w * uniforms.inC + col) * uniforms.outC + q.x];',
    aAlongK: true,
    bAlongK: true,
    constants: (info) => ({
      STRIDE_H: info.strideHeight,
      STRIDE_W: info.strideWidth,
      TAP_ROW: phase.tapRow,
      TAP_COL: phase.tapCol,
      FIRST_ROW: phase.firstRow,
      FIRST_COL: phase.firstCol,
      PHASE_ROWS: phase.rows,
      PHASE_COLS: phase.cols,
      // Never 0 in a division: a phase without taps has an empty k and never computes a tap.
      TAPS_COL: Math.max(1, phase.tapsCol),
    }),
  };
}

/**
 * A strided convolution's input gradient, one product per stride phase, all writing into
 * one dx (every input pixel belongs to exactly one phase; a phase no tap reaches writes its
 * zeros). Each phase runs unsliced: its rows are a quarter of the input's at stride 2.
 */
function inputGradientByPhase(backend: WebgpuBackendLike, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, inputShape: number[]): TensorInfo {
  let dx: TensorInfo | undefined;
  for (const phase of stridePhases(info)) {
    const m = info.batchSize * phase.rows * phase.cols;
    if (m === 0) continue;
    const plan = planConvGemm(m, info.inChannels, phase.tapsRow * phase.tapsCol * info.outChannels, false);
    const program = new ConvGemmProgram(inputGradientPhase(phase), plan, inputShape, info);
    dx = runStudioProgram(backend, program, [dy, filter], [...program.programUniforms(), ...convUniforms(info)], dx);
  }
  if (!dx) throw new Error('inputGradientByPhase: no stride phase has an input pixel');
  return dx;
}

export const fastConv2DBackpropFilter: WebgpuKernel = {
  kernelName: 'Conv2DBackpropFilter',
  run({ inputs, backend, attrs }) {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    if (!allFloat32(x, dy)) return undefined;
    const info = supportedConvInfo(x.shape, filterShape, attrs as unknown as ConvAttrs, false);
    if (!info) return undefined;
    const dims = {
      m: info.filterHeight * info.filterWidth * info.inChannels,
      n: info.outChannels,
      k: info.batchSize * info.outHeight * info.outWidth,
    };
    if (isPointwise(info)) {
      const dW = runPointwiseProduct(backend, [x, dy], dims, { a: 'km', b: 'kn' }, [...filterShape], { allowSplits: true });
      if (dW) return dW;
    }
    return runConvGemm(backend, FILTER_GRADIENT, [x, dy], info, dims, [...filterShape]);
  },
};

export const fastConv2DBackpropInput: WebgpuKernel = {
  kernelName: 'Conv2DBackpropInput',
  run({ inputs, backend, attrs }) {
    const { dy, filter } = inputs;
    const inputShape = attrs.inputShape as number[];
    if (!allFloat32(dy, filter)) return undefined;
    const info = supportedConvInfo(inputShape, filter.shape, attrs as unknown as ConvAttrs, false);
    if (!info) return undefined;
    if (isPointwise(info)) {
      const dims = { m: info.batchSize * info.inHeight * info.inWidth, n: info.inChannels, k: info.outChannels };
      const dx = runPointwiseProduct(backend, [dy, filter], dims, { a: 'mk', b: 'nk' }, [...inputShape]);
      if (dx) return dx;
    }
    if (info.strideHeight > 1 || info.strideWidth > 1) return inputGradientByPhase(backend, dy, filter, info, [...inputShape]);
    const dims = {
      m: info.batchSize * info.inHeight * info.inWidth,
      n: info.inChannels,
      k: info.filterHeight * info.filterWidth * info.outChannels,
    };
    return runConvGemm(backend, INPUT_GRADIENT, [dy, filter], info, dims, [...inputShape]);
  },
};
