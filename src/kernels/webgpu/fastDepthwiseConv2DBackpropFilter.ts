import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { CONV_UNIFORMS, convUniforms } from './convGemmProgram.ts';
import { sumSplits } from './sumSplitsProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, SELF_INDEXED_LAYOUT, allFloat32, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const CHANNELS_PER_WORKGROUP = 64;
/** Invocations to aim for: enough to fill a large GPU; the pixels are sliced to get there. */
const TARGET_INVOCATIONS = 32768;
/** A slice shorter than this many output pixels costs more in partial sums than it gains. */
const MIN_PIXELS_PER_SPLIT = 32;
const MAX_PARTIAL_ELEMENTS = 16 * 1024 * 1024;

export interface DepthwisePlan {
  splits: number;
  pixelsPerSplit: number;
}

/** How many slices of the batch's output pixels to sum separately for a filter of `filterSize` floats. */
export function planDepthwiseFilterGrad(pixels: number, outChannels: number, filterSize: number): DepthwisePlan {
  const lanes = Math.ceil(outChannels / CHANNELS_PER_WORKGROUP) * CHANNELS_PER_WORKGROUP;
  let splits = Math.min(
    Math.ceil(TARGET_INVOCATIONS / lanes),
    Math.ceil(pixels / MIN_PIXELS_PER_SPLIT),
    Math.floor(MAX_PARTIAL_ELEMENTS / filterSize),
    MAX_WORKGROUPS_PER_DIMENSION,
  );
  splits = Math.max(1, splits);
  const pixelsPerSplit = Math.ceil(pixels / splits);
  return { splits: Math.ceil(pixels / pixelsPerSplit), pixelsPerSplit };
}

/**
 * The depthwise filter gradient dW[wr, wc, c, m] = Σ over (b, oy, ox) of
 * x[b, oy·s − pad + wr, ox·s − pad + wc, c] · dy[b, oy, ox, c·mul + m]. One invocation per
 * output channel and slice of output pixels keeps every tap's sum in registers, reads dy
 * once per pixel and x once per tap, and neighbouring invocations read neighbouring
 * channels. Stock tfjs runs one invocation per filter element over the whole batch.
 */
export class DepthwiseFilterGradProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = SELF_INDEXED_LAYOUT;
  dispatch: [number, number, number];
  variableNames = ['x', 'dy'];
  uniforms = `pixels : i32, pixelsPerSplit : i32, channelMul : i32, ${CONV_UNIFORMS}`;
  workgroupSize: [number, number, number] = [CHANNELS_PER_WORKGROUP, 1, 1];

  constructor(
    private readonly info: backend_util.Conv2DInfo,
    plan: DepthwisePlan,
  ) {
    const filterSize = info.filterHeight * info.filterWidth * info.outChannels;
    this.outputShape = plan.splits > 1 ? [plan.splits, filterSize] : [...info.filterShape];
    this.dispatch = [Math.ceil(info.outChannels / CHANNELS_PER_WORKGROUP), plan.splits, 1];
    this.shaderKey = `studioDepthwiseFilterGrad_${info.filterHeight}x${info.filterWidth}`;
  }

  getUserCode(): string {
    const taps = this.info.filterHeight * this.info.filterWidth;
    return `
      fn main() {
        let d2 = i32(workgroupId.x) * ${CHANNELS_PER_WORKGROUP} + i32(localId.x);
        if (d2 >= uniforms.outC) {
          return;
        }
        let c = d2 / uniforms.channelMul;
        let split = i32(workgroupId.y);
        let pStart = split * uniforms.pixelsPerSplit;
        let pEnd = min(pStart + uniforms.pixelsPerSplit, uniforms.pixels);
        var acc : array<f32, ${taps}>;
        for (var p = pStart; p < pEnd; p++) {
          let ox = p % uniforms.outW;
          let rest = p / uniforms.outW;
          let oy = rest % uniforms.outH;
          let b = rest / uniforms.outH;
          let g = dy[p * uniforms.outC + d2];
          let xr0 = oy * uniforms.strideH - uniforms.padT;
          let xc0 = ox * uniforms.strideW - uniforms.padL;
          for (var wr = 0; wr < ${this.info.filterHeight}; wr++) {
            let xr = xr0 + wr;
            if (xr < 0 || xr >= uniforms.inH) {
              continue;
            }
            let rowBase = (b * uniforms.inH + xr) * uniforms.inW;
            for (var wc = 0; wc < ${this.info.filterWidth}; wc++) {
              let xc = xc0 + wc;
              if (xc < 0 || xc >= uniforms.inW) {
                continue;
              }
              let t = wr * ${this.info.filterWidth} + wc;
              acc[t] = acc[t] + x[(rowBase + xc) * uniforms.inC + c] * g;
            }
          }
        }
        let base = split * ${taps} * uniforms.outC;
        for (var t = 0; t < ${taps}; t++) {
          result[base + t * uniforms.outC + d2] = acc[t];
        }
      }
    `;
  }
}

export const fastDepthwiseConv2DBackpropFilter: WebgpuKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  run({ inputs, backend, attrs }): TensorInfo | undefined {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    if (!allFloat32(x, dy)) return undefined;
    const info = supportedConvInfo(x.shape, filterShape, attrs as unknown as ConvAttrs, true);
    if (!info) return undefined;
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    const filterSize = info.filterHeight * info.filterWidth * info.outChannels;
    const plan = planDepthwiseFilterGrad(pixels, info.outChannels, filterSize);
    const program = new DepthwiseFilterGradProgram(info, plan);
    const uniforms = [
      { type: 'int32' as const, data: [pixels] },
      { type: 'int32' as const, data: [plan.pixelsPerSplit] },
      { type: 'int32' as const, data: [info.outChannels / info.inChannels] },
      ...convUniforms(info),
    ];
    return sumSplits(backend, runStudioProgram(backend, program, [x, dy], uniforms), plan.splits, [...filterShape]);
  },
};
