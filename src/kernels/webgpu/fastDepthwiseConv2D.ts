import type { backend_util } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { CONV_UNIFORMS, convUniforms } from './convGemmProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, allFloat32, type ProgramUniform, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * The depthwise convolution y[b, yr, yc, c·mul + m] = Σ over (wr, wc) of
 * x[b, yr·s − pad + wr, yc·s − pad + wc, c] · W[wr, wc, c, m]. One invocation per output
 * pixel and group of four input channels (one channel when the count is not a multiple of
 * four), the taps' bounds checks and index arithmetic shared by the group and the four
 * channels of x read side by side; stock computes every output element on its own (a vec4
 * variant only for stride ≤ 2 and no channel multiplier).
 */
class DepthwiseConv2DProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['x', 'W'];
  uniforms = `invocations : i32, ${CONV_UNIFORMS}`;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  private readonly group: 1 | 4;

  constructor(
    private readonly info: backend_util.Conv2DInfo,
    private readonly channelMul: number,
  ) {
    this.outputShape = [...info.outShape];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.group = info.inChannels % 4 === 0 ? 4 : 1;
    this.dispatch = [Math.ceil(this.invocations() / WORKGROUP), 1, 1];
    this.shaderKey = `studioDepthwiseConv2D_${this.group}_${info.filterHeight}x${info.filterWidth}_s${info.strideHeight}x${info.strideWidth}_m${channelMul}`;
  }

  invocations(): number {
    return (this.info.batchSize * this.info.outHeight * this.info.outWidth * this.info.inChannels) / this.group;
  }

  programUniforms(): ProgramUniform[] {
    return [{ type: 'int32', data: [this.invocations()] }, ...convUniforms(this.info)];
  }

  getUserCode(): string {
    const { filterHeight, filterWidth, strideHeight, strideWidth } = this.info;
    const g = this.group;
    const type = g === 4 ? 'vec4<f32>' : 'f32';
    const xAt = g === 4 ? 'vec4<f32>(x[xAt], x[xAt + 1], x[xAt + 2], x[xAt + 3])' : 'x[xAt]';
    const wAt = g === 4 ? 'vec4<f32>(W[wAt], W[wAt + MUL], W[wAt + 2 * MUL], W[wAt + 3 * MUL])' : 'W[wAt]';
    const store = g === 4 ? [0, 1, 2, 3].map((j) => `result[out + ${j} * MUL] = acc[${j}];`).join(' ') : 'result[out] = acc;';
    return `
      const FH = ${filterHeight};
      const FW = ${filterWidth};
      const STRIDE_H = ${strideHeight};
      const STRIDE_W = ${strideWidth};
      const MUL = ${this.channelMul};
      const G = ${g};

      fn main(index : i32) {
        if (index >= uniforms.invocations) {
          return;
        }
        let groups = uniforms.inC / G;
        let c0 = (index % groups) * G;
        let pixel = index / groups;
        let yc = pixel % uniforms.outW;
        let rest = pixel / uniforms.outW;
        let yr = rest % uniforms.outH;
        let b = rest / uniforms.outH;
        let r0 = yr * STRIDE_H - uniforms.padT;
        let q0 = yc * STRIDE_W - uniforms.padL;
        for (var m = 0; m < MUL; m++) {
          var acc = ${type}(0.0);
          for (var wr = 0; wr < FH; wr++) {
            let r = r0 + wr;
            if (r < 0 || r >= uniforms.inH) {
              continue;
            }
            for (var wc = 0; wc < FW; wc++) {
              let q = q0 + wc;
              if (q < 0 || q >= uniforms.inW) {
                continue;
              }
              let xAt = ((b * uniforms.inH + r) * uniforms.inW + q) * uniforms.inC + c0;
              let wAt = ((wr * FW + wc) * uniforms.inC + c0) * MUL + m;
              acc = acc + ${xAt} * ${wAt};
            }
          }
          let out = ((b * uniforms.outH + yr) * uniforms.outW + yc) * uniforms.outC + c0 * MUL + m;
          ${store}
        }
      }
    `;
  }
}

export const fastDepthwiseConv2D: WebgpuKernel = {
  kernelName: 'DepthwiseConv2dNative',
  run({ inputs, backend, attrs }) {
    const { x, filter } = inputs;
    if (!allFloat32(x, filter)) return undefined;
    const info = supportedConvInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs, true);
    if (!info) return undefined;
    const program = new DepthwiseConv2DProgram(info, filter.shape[3]);
    if (program.dispatch[0] > MAX_WORKGROUPS_PER_DIMENSION) return undefined;
    return backend.runWebGPUProgram(program, [x, filter], 'float32', program.programUniforms());
  },
};
