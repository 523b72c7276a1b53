import type { backend_util } from '@tensorflow/tfjs-core';
import { supportedConvInfo, type ConvAttrs } from '../supportedConvInfo.ts';
import { DepthwiseGroupProgram, runDepthwiseGroup } from './depthwiseGroupProgram.ts';
import { allFloat32, type WebgpuKernel } from './webgpuProgram.ts';

/**
 * The depthwise convolution y[b, yr, yc, c·mul + m] = Σ over (wr, wc) of
 * x[b, yr·s − pad + wr, yc·s − pad + wc, c] · W[wr, wc, c, m], per output pixel and group
 * of channels, the four channels of x read side by side; stock computes every output
 * element on its own (a vec4 variant only for stride ≤ 2 and no channel multiplier).
 */
class DepthwiseConv2DProgram extends DepthwiseGroupProgram {
  constructor(info: backend_util.Conv2DInfo, channelMul: number) {
    super('DepthwiseConv2D', ['x', 'W'], info, channelMul, 'output');
  }

  protected body(): string {
    return `
        let r0 = row * STRIDE_H - uniforms.padT;
        let q0 = col * STRIDE_W - uniforms.padL;
        for (var m = 0; m < MUL; m++) {
          var acc = ${this.accType}(0.0);
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
              acc = acc + ${this.gather('x', 'xAt', '1')} * ${this.gather('W', 'wAt', 'MUL')};
            }
          }
          let out = ((b * uniforms.outH + row) * uniforms.outW + col) * uniforms.outC + c0 * MUL + m;
          ${this.store('MUL')}
        }`;
  }
}

export const fastDepthwiseConv2D: WebgpuKernel = {
  kernelName: 'DepthwiseConv2dNative',
  run({ inputs, backend, attrs }) {
    const { x, filter } = inputs;
    if (!allFloat32(x, filter)) return undefined;
    const info = supportedConvInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs, true);
    if (!info) return undefined;
    return runDepthwiseGroup(backend, new DepthwiseConv2DProgram(info, filter.shape[3]), [x, filter]);
  },
};
