import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import type { ConvGemmOperands } from './convGemmProgram.ts';
import { PointwiseProductProgram } from './pointwiseProductProgram.ts';
import { runConvGemm } from './runConvGemm.ts';
import { allFloat32, type WebgpuKernel } from './webgpuProgram.ts';

/**
 * dW[wr, wc, ci, co] = Σ over (b, oy, ox) of x[b, oy·s − pad + wr, ox·s − pad + wc, ci] · dy[b, oy, ox, co]:
 * rows are the filter taps (wr, wc, ci), columns the output channels, k every output pixel.
 * Row info: (ci, wr, wc); k info: (b, oy·s − pad, ox·s − pad).
 */
const FILTER_GRADIENT: ConvGemmOperands = {
  name: 'filterGrad',
  variableNames: ['x', 'dy'],
  rowInfo: `
    let tap = row / uniforms.inC;
    return vec4<i32>(row - tap * uniforms.inC, tap / uniforms.fW, tap % uniforms.fW, 0);`,
  kInfo: `
    let rest = k / uniforms.outW;
    let ox = k - rest * uniforms.outW;
    let b = rest / uniforms.outH;
    let oy = rest - b * uniforms.outH;
    return vec4<i32>(b, oy * uniforms.strideH - uniforms.padT, ox * uniforms.strideW - uniforms.padL, 0);`,
  loadA: `
    let xr = q.y + r.y;
    let xc = q.z + r.z;
    if (xr < 0 || xr >= uniforms.inH || xc < 0 || xc >= uniforms.inW) {
      return 0.0;
    }
    return x[((q.x * uniforms.inH + xr) * uniforms.inW + xc) * uniforms.inC + r.x];`,
  loadB: 'return dy[k * uniforms.outC + col];',
  aAlongK: false,
  bAlongK: false,
};

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
  loadA: `
    let yrs = r.y - q.y;
    let ycs = r.z - q.z;
    if (yrs < 0 || ycs < 0) {
      return 0.0;
    }
    let yr = yrs / STRIDE_H;
    let yc = ycs / STRIDE_W;
    if (yr * STRIDE_H != yrs || yc * STRIDE_W != ycs || yr >= uniforms.outH || yc >= uniforms.outW) {
      return 0.0;
    }
    return dy[((r.x * uniforms.outH + yr) * uniforms.outW + yc) * uniforms.outC + q.x];`,
  loadB: 'return W[(q.w * uniforms.inC + col) * uniforms.outC + q.x];',
  aAlongK: true,
  bAlongK: true,
  constants: (info) => ({ STRIDE_H: info.strideHeight, STRIDE_W: info.strideWidth }),
};

/** A 1×1, stride-1, unpadded convolution: each output pixel is a product of its own input pixel, no gather. */
function isPointwise(info: backend_util.Conv2DInfo): boolean {
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
      if (!PointwiseProductProgram.fits(dims)) return undefined;
      const program = new PointwiseProductProgram(dims, [...inputShape]);
      return backend.runWebGPUProgram(program, [dy, filter], 'float32', program.programUniforms());
    }
    const dims = {
      m: info.batchSize * info.inHeight * info.inWidth,
      n: info.inChannels,
      k: info.filterHeight * info.filterWidth * info.outChannels,
    };
    return runConvGemm(backend, INPUT_GRADIENT, [dy, filter], info, dims, [...inputShape]);
  },
};
