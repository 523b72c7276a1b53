import type { backend_util } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { CONV_UNIFORMS, convUniforms } from './convGemmProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, allFloat32, type ProgramUniform, type WebgpuKernel, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * The depthwise input gradient dx[b, xr, xc, c] = Σ over (wr, wc, m) of
 * dy[b, yr, yc, c·mul + m] · W[wr, wc, c, m] where yr·s = xr + pad − wr. One invocation per
 * input pixel and group of four channels (one channel when the count is not a multiple of
 * four): the index arithmetic and the stride checks are shared by the group, and the taps
 * are visited only in the input pixel's stride phase (a quarter of them at stride 2), where
 * stock tfjs computes every element on its own and tests every tap with float division.
 */
class DepthwiseInputGradProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['dy', 'W'];
  uniforms = `invocations : i32, ${CONV_UNIFORMS}`;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  private readonly group: 1 | 4;

  constructor(
    private readonly info: backend_util.Conv2DInfo,
    private readonly channelMul: number,
  ) {
    this.outputShape = [...info.inShape];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.group = info.inChannels % 4 === 0 ? 4 : 1;
    this.dispatch = [Math.ceil(this.invocations() / WORKGROUP), 1, 1];
    this.shaderKey = `studioDepthwiseInputGrad_${this.group}_${info.filterHeight}x${info.filterWidth}_s${info.strideHeight}x${info.strideWidth}_m${channelMul}`;
  }

  invocations(): number {
    return (this.info.batchSize * this.info.inHeight * this.info.inWidth * this.info.inChannels) / this.group;
  }

  programUniforms(): ProgramUniform[] {
    return [{ type: 'int32', data: [this.invocations()] }, ...convUniforms(this.info)];
  }

  getUserCode(): string {
    const { filterHeight, filterWidth, strideHeight, strideWidth } = this.info;
    const g = this.group;
    const type = g === 4 ? 'vec4<f32>' : 'f32';
    const gather = (name: string, at: string) =>
      g === 4 ? `vec4<f32>(${name}[${at}], ${name}[${at} + MUL], ${name}[${at} + 2 * MUL], ${name}[${at} + 3 * MUL])` : `${name}[${at}]`;
    const store =
      g === 4
        ? [0, 1, 2, 3].map((j) => `result[out + ${j}] = acc[${j}];`).join(' ')
        : 'result[out] = acc;';
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
        let xc = pixel % uniforms.inW;
        let rest = pixel / uniforms.inW;
        let xr = rest % uniforms.inH;
        let b = rest / uniforms.inH;
        let rowBase = xr + uniforms.padT;
        let colBase = xc + uniforms.padL;
        var acc = ${type}(0.0);
        for (var wr = rowBase % STRIDE_H; wr < FH; wr += STRIDE_H) {
          let yr = (rowBase - wr) / STRIDE_H;
          if (yr < 0) {
            break;
          }
          if (yr >= uniforms.outH) {
            continue;
          }
          for (var wc = colBase % STRIDE_W; wc < FW; wc += STRIDE_W) {
            let yc = (colBase - wc) / STRIDE_W;
            if (yc < 0) {
              break;
            }
            if (yc >= uniforms.outW) {
              continue;
            }
            let dyBase = ((b * uniforms.outH + yr) * uniforms.outW + yc) * uniforms.outC + c0 * MUL;
            let wBase = ((wr * FW + wc) * uniforms.inC + c0) * MUL;
            for (var m = 0; m < MUL; m++) {
              acc = acc + ${gather('dy', 'dyBase + m')} * ${gather('W', 'wBase + m')};
            }
          }
        }
        let out = ((b * uniforms.inH + xr) * uniforms.inW + xc) * uniforms.inC + c0;
        ${store}
      }
    `;
  }
}

export const fastDepthwiseConv2DBackpropInput: WebgpuKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  run({ inputs, backend, attrs }) {
    const { dy, filter } = inputs;
    if (!allFloat32(dy, filter)) return undefined;
    const info = supportedConvInfo(attrs.inputShape as number[], filter.shape, attrs as unknown as ConvAttrs, true);
    if (!info) return undefined;
    const program = new DepthwiseInputGradProgram(info, filter.shape[3]);
    if (program.dispatch[0] > MAX_WORKGROUPS_PER_DIMENSION) return undefined;
    return backend.runWebGPUProgram(program, [dy, filter], 'float32', program.programUniforms());
  },
};
