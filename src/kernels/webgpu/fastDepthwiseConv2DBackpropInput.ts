import type { backend_util } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { DepthwiseGroupProgram, runDepthwiseGroup } from './depthwiseGroupProgram.ts';
import { allFloat32, type WebgpuKernel } from './webgpuProgram.ts';

/**
 * The depthwise input gradient dx[b, xr, xc, c] = Σ over (wr, wc, m) of
 * dy[b, yr, yc, c·mul + m] · W[wr, wc, c, m] where yr·s = xr + pad − wr, per input pixel and
 * group of channels, the taps visited only in the input pixel's stride phase (a quarter of
 * them at stride 2), where stock tests every tap with float division.
 */
class DepthwiseInputGradProgram extends DepthwiseGroupProgram {
  constructor(info: backend_util.Conv2DInfo, channelMul: number) {
    super('DepthwiseInputGrad', ['dy', 'W'], info, channelMul, 'input');
  }

  protected body(): string {
    return `
        let rowBase = row + uniforms.padT;
        let colBase = col + uniforms.padL;
        var acc = ${this.accType}(0.0);
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
              acc = acc + ${this.gather('dy', 'dyBase + m', 'MUL')} * ${this.gather('W', 'wBase + m', 'MUL')};
            }
          }
        }
        let out = ((b * uniforms.inH + row) * uniforms.inW + col) * uniforms.inC + c0;
        ${this.store('1')}`;
  }
}

export const fastDepthwiseConv2DBackpropInput: WebgpuKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  run({ inputs, backend, attrs }) {
    const { dy, filter } = inputs;
    if (!allFloat32(dy, filter)) return undefined;
    const info = supportedConvInfo(attrs.inputShape as number[], filter.shape, attrs as unknown as ConvAttrs, true);
    if (!info) return undefined;
    return runDepthwiseGroup(backend, new DepthwiseInputGradProgram(info, filter.shape[3]), [dy, filter]);
  },
};
