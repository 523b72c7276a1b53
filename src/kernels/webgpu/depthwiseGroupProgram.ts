import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { runStudioProgram } from './runStudioProgram.ts';
import { CONV_UNIFORMS, convUniforms } from './convGemmProgram.ts';
import { MAX_WORKGROUPS_PER_DIMENSION, type ProgramUniform, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const WORKGROUP = 64;

/**
 * A depthwise convolution's forward or input gradient: one invocation per pixel of its
 * result (the output's pixels, or the input's) and group of four input channels (one channel
 * when the count is not a multiple of four), so the index arithmetic and the taps' checks are
 * shared by the group where stock computes every element on its own. `body()` is WGSL run
 * with the pixel (`b`, `row`, `col`) and the group's first channel `c0` known; the filter's
 * size, the strides, the channel multiplier `MUL` and the group size `G` are compiled in.
 */
export abstract class DepthwiseGroupProgram implements WebgpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms = `invocations : i32, ${CONV_UNIFORMS}`;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  protected readonly group: 1 | 4;

  constructor(
    name: string,
    variableNames: string[],
    protected readonly info: backend_util.Conv2DInfo,
    protected readonly channelMul: number,
    private readonly side: 'input' | 'output',
  ) {
    this.variableNames = variableNames;
    this.outputShape = [...(side === 'input' ? info.inShape : info.outShape)];
    this.dispatchLayout = { x: this.outputShape.map((_, i) => i) };
    this.group = info.inChannels % 4 === 0 ? 4 : 1;
    this.dispatch = [Math.ceil(this.invocations() / WORKGROUP), 1, 1];
    this.shaderKey = `studio${name}_${this.group}_${info.filterHeight}x${info.filterWidth}_s${info.strideHeight}x${info.strideWidth}_m${channelMul}`;
  }

  invocations(): number {
    const [, height, width] = this.outputShape;
    return (this.info.batchSize * height * width * this.info.inChannels) / this.group;
  }

  programUniforms(): ProgramUniform[] {
    return [{ type: 'int32', data: [this.invocations()] }, ...convUniforms(this.info)];
  }

  /** The group's values of `name` from index `at` on, `stride` apart, as one vec4 (or the one f32). */
  protected gather(name: string, at: string, stride: string): string {
    return this.group === 4 ? `vec4<f32>(${name}[${at}], ${name}[${at} + ${stride}], ${name}[${at} + 2 * ${stride}], ${name}[${at} + 3 * ${stride}])` : `${name}[${at}]`;
  }

  /** WGSL writing the group's accumulator `acc` from index `out` on, `stride` apart. */
  protected store(stride: string): string {
    return this.group === 4 ? [0, 1, 2, 3].map((j) => `result[out + ${j} * ${stride}] = acc[${j}];`).join(' ') : 'result[out] = acc;';
  }

  protected get accType(): string {
    return this.group === 4 ? 'vec4<f32>' : 'f32';
  }

  protected abstract body(): string;

  getUserCode(): string {
    const { filterHeight, filterWidth, strideHeight, strideWidth } = this.info;
    const [height, width] = this.side === 'input' ? ['inH', 'inW'] : ['outH', 'outW'];
    return `
      const FH = ${filterHeight};
      const FW = ${filterWidth};
      const STRIDE_H = ${strideHeight};
      const STRIDE_W = ${strideWidth};
      const MUL = ${this.channelMul};
      const G = ${this.group};

      fn main(index : i32) {
        if (index >= uniforms.invocations) {
          return;
        }
        let groups = uniforms.inC / G;
        let c0 = (index % groups) * G;
        let pixel = index / groups;
        let col = pixel % uniforms.${width};
        let rest = pixel / uniforms.${width};
        let row = rest % uniforms.${height};
        let b = rest / uniforms.${height};
        ${this.body()}
      }
    `;
  }
}

/** Runs `program` on `inputs`; undefined (stock runs it) when it needs more workgroups than one dispatch dimension takes. */
export function runDepthwiseGroup(backend: WebgpuBackendLike, program: DepthwiseGroupProgram, inputs: TensorInfo[]): TensorInfo | undefined {
  if (program.dispatch[0] > MAX_WORKGROUPS_PER_DIMENSION) return undefined;
  return runStudioProgram(backend, program, inputs, program.programUniforms());
}
