import type * as tfl from '@tensorflow/tfjs-layers';
import { modelProto, tensorProto, type AttributeValue, type OnnxNode } from './onnxProto.ts';
import type { ProtobufWriter } from './protobufWriter.ts';
import type { PreprocessingSpec } from './preprocessingSpec.ts';

/** Opset 17: every op used here in the form written (ReduceSumSquare with an `axes` attribute, HardSwish). */
const OPSET = 17;
/** L2Normalize's floor on the squared norm (torch's F.normalize eps 1e-12, squared). */
const NORM_SQUARED_FLOOR = 1e-24;

type Layer = tfl.layers.Layer;
interface LayerConfig {
  activation?: string;
  padding?: 'same' | 'valid';
  strides?: number[];
  kernelSize?: number[];
  poolSize?: number[];
  useBias?: boolean;
  alpha?: number;
  epsilon?: number;
  targetShape?: number[];
  sharedAxes?: number[];
  axis?: number | number[];
  dataFormat?: string;
  dilationRate?: number | number[];
  /** ChannelZeroPad's channel count after padding. */
  channels?: number;
}

/**
 * Builds the ONNX graph of one LayersModel. Tensors are NCHW in the graph (what ONNX
 * runtimes and PyTorch users expect), so convolution kernels are transposed once at
 * export, and the only layout change left in the graph is before a Flatten, where tfjs'
 * NHWC element order must be kept for the dense layer after it.
 */
class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: ProtobufWriter[] = [];
  /** Rank of every value: 4 means NCHW. */
  private readonly rank = new Map<string, number>();
  private constants = 0;

  constructor(private readonly model: tfl.LayersModel) {}

  node(op: string, inputs: string[], output: string, name: string, attributes?: Record<string, AttributeValue>): string {
    this.nodes.push({ op, inputs, outputs: [output], name, ...(attributes ? { attributes } : {}) });
    return output;
  }

  constant(name: string, dims: number[], data: Float32Array | { int64: number[] }): string {
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  scalar(value: number): string {
    return this.constant(`const_${this.constants++}`, [], Float32Array.of(value));
  }

  setRank(value: string, rank: number): void {
    this.rank.set(value, rank);
  }

  rankOf(value: string): number {
    const r = this.rank.get(value);
    if (r === undefined) throw new Error(`internal: the rank of ${value} is unknown`);
    return r;
  }

  weights(layer: Layer): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const w of layer.weights) {
      const t = w.read();
      out.set(w.originalName.split('/').pop()!, { shape: [...t.shape], data: t.dataSync() as Float32Array });
    }
    return out;
  }

  build(): { inputs: string[]; outputs: string[] } {
    const names = new Map<string, string>();
    const valueOf = (t: tfl.SymbolicTensor): string => {
      const v = names.get(t.name);
      if (!v) throw new Error(`internal: tensor ${t.name} is used before it is made`);
      return v;
    };
    if (this.model.inputs.length !== 1) throw new Error(`the model has ${this.model.inputs.length} inputs; exported models take one image`);
    const inputs: string[] = [];
    for (const layer of this.model.layers) {
      const node = layer.inboundNodes[0];
      const outTensors = node.outputTensors;
      if (outTensors.length !== 1) throw new Error(`layer ${layer.name} has ${outTensors.length} outputs; exported layers have one`);
      const isInput = layer.getClassName() === 'InputLayer';
      // The input is "input" whatever the layer is called: the name ONNX users feed.
      const out = isInput ? 'input' : layer.name;
      if (isInput) {
        const shape = outTensors[0].shape;
        if (shape.length !== 4) throw new Error(`the model's input ${layer.name} has rank ${shape.length}; image models take [batch, height, width, channels]`);
        inputs.push(out);
        this.setRank(out, 4);
      } else {
        this.convert(layer, node.inputTensors.map(valueOf), out);
      }
      names.set(outTensors[0].name, out);
    }
    const outputs = this.model.outputs.map(valueOf);
    for (const o of outputs) if (this.rankOf(o) !== 2) throw new Error(`output ${o} has rank ${this.rankOf(o)}; exported outputs are [batch, features]`);
    return { inputs, outputs };
  }

  /** An activation by tfjs name, from `x` to `out`. */
  activation(kind: string, x: string, out: string, layerName: string): string {
    const r = this.rankOf(x);
    const done = (v: string) => (this.setRank(v, r), v);
    switch (kind) {
      case 'linear':
        return done(this.node('Identity', [x], out, layerName));
      case 'relu':
        return done(this.node('Relu', [x], out, layerName));
      case 'relu6':
        return done(this.node('Clip', [x, this.scalar(0), this.scalar(6)], out, layerName));
      case 'sigmoid':
        return done(this.node('Sigmoid', [x], out, layerName));
      case 'tanh':
        return done(this.node('Tanh', [x], out, layerName));
      case 'swish': {
        const s = this.node('Sigmoid', [x], `${layerName}/sigmoid`, `${layerName}/sigmoid`);
        return done(this.node('Mul', [x, s], out, layerName));
      }
      case 'gelu': {
        // tfjs-layers' gelu is the exact one: x · ½(1 + erf(x / √2)).
        const scaled = this.node('Div', [x, this.scalar(Math.SQRT2)], `${layerName}/scaled`, `${layerName}/scaled`);
        const erf = this.node('Erf', [scaled], `${layerName}/erf`, `${layerName}/erf`);
        const plus = this.node('Add', [erf, this.scalar(1)], `${layerName}/plus1`, `${layerName}/plus1`);
        const half = this.node('Mul', [plus, this.scalar(0.5)], `${layerName}/cdf`, `${layerName}/cdf`);
        return done(this.node('Mul', [x, half], out, layerName));
      }
      case 'softmax':
        if (r !== 2) throw new Error(`layer ${layerName}: softmax is exported on [batch, features] only`);
        return done(this.node('Softmax', [x], out, layerName, { axis: -1 }));
      default:
        throw new Error(`layer ${layerName}: activation "${kind}" has no ONNX export`);
    }
  }

  /**
   * Explicit pads [top, left, bottom, right] for a window over the layer's input: none for
   * `valid`, TensorFlow's split for `same` (the odd pixel at the bottom and right), which
   * every runtime reads alike where `auto_pad` is read differently by some.
   */
  private convPads(layer: Layer, cfg: LayerConfig, window: number[]): Record<string, AttributeValue> {
    if (cfg.padding !== 'same') return { pads: [0, 0, 0, 0] };
    const shape = layer.inboundNodes[0].inputTensors[0].shape;
    const strides = cfg.strides ?? [1, 1];
    const [before, after] = [1, 2].map((axis, i) => {
      const size = shape[axis];
      if (typeof size !== 'number') throw new Error(`layer ${layer.name}: 'same' padding needs a known input size`);
      const total = Math.max((Math.ceil(size / strides[i]) - 1) * strides[i] + window[i] - size, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }).reduce<[number[], number[]]>((acc, [b, a]) => [[...acc[0], b], [...acc[1], a]], [[], []]);
    return { pads: [...before, ...after] };
  }

  /** Applies the layer's fused activation (Conv2D, Dense), if any, after `pre`. */
  private fused(layer: Layer, cfg: LayerConfig, pre: string, out: string, rank: number): void {
    this.setRank(pre, rank);
    const act = cfg.activation ?? 'linear';
    if (act === 'linear') {
      if (pre !== out) {
        this.node('Identity', [pre], out, `${layer.name}/out`);
        this.setRank(out, rank);
      }
      return;
    }
    this.activation(act, pre, out, `${layer.name}/${act}`);
  }

  private convert(layer: Layer, inputs: string[], out: string): void {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as LayerConfig;
    const x = inputs[0];
    const name = layer.name;
    const w = () => this.weights(layer);
    // Weights are converted for channels-last, undilated layers (all the zoo makes); any
    // other kind would export without complaint and compute something else.
    if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast') throw new Error(`layer ${name} (${cls}): data format ${cfg.dataFormat} has no ONNX export; use channelsLast`);
    if ([cfg.dilationRate ?? 1].flat().some((d) => d !== 1)) throw new Error(`layer ${name} (${cls}): dilation ${JSON.stringify(cfg.dilationRate)} has no ONNX export`);
    switch (cls) {
      case 'Conv2D': {
        const { kernel, bias } = Object.fromEntries(w());
        const [kh, kw, cin, cout] = kernel.shape;
        const data = new Float32Array(kernel.data.length);
        // [kh, kw, in, out] → [out, in, kh, kw]
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) data[((o * cin + c) * kh + i) * kw + j] = kernel.data[((i * kw + j) * cin + c) * cout + o];
        const ins = [x, this.constant(`${name}/kernel`, [cout, cin, kh, kw], data)];
        if (bias) ins.push(this.constant(`${name}/bias`, [cout], bias.data));
        const pre = cfg.activation && cfg.activation !== 'linear' ? `${name}/conv` : out;
        this.node('Conv', ins, pre, name, { kernel_shape: [kh, kw], strides: cfg.strides ?? [1, 1], ...this.convPads(layer, cfg, [kh, kw]) });
        return this.fused(layer, cfg, pre, out, 4);
      }
      case 'DepthwiseConv2D': {
        const { depthwise_kernel: kernel, bias } = Object.fromEntries(w());
        const [kh, kw, channels, mult] = kernel.shape;
        const data = new Float32Array(kernel.data.length);
        // [kh, kw, C, m] → [C·m, 1, kh, kw], output channel c·m + k as tfjs orders them.
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let c = 0; c < channels; c++) for (let k = 0; k < mult; k++) data[((c * mult + k) * kh + i) * kw + j] = kernel.data[((i * kw + j) * channels + c) * mult + k];
        const ins = [x, this.constant(`${name}/kernel`, [channels * mult, 1, kh, kw], data)];
        if (bias) ins.push(this.constant(`${name}/bias`, [channels * mult], bias.data));
        const pre = cfg.activation && cfg.activation !== 'linear' ? `${name}/conv` : out;
        this.node('Conv', ins, pre, name, { kernel_shape: [kh, kw], strides: cfg.strides ?? [1, 1], group: channels, ...this.convPads(layer, cfg, [kh, kw]) });
        return this.fused(layer, cfg, pre, out, 4);
      }
      case 'Dense': {
        if (this.rankOf(x) !== 2) throw new Error(`layer ${name}: Dense on a rank-${this.rankOf(x)} tensor has no ONNX export`);
        const { kernel, bias } = Object.fromEntries(w());
        const ins = [x, this.constant(`${name}/kernel`, kernel.shape, kernel.data)];
        if (bias) ins.push(this.constant(`${name}/bias`, bias.shape, bias.data));
        const pre = cfg.activation && cfg.activation !== 'linear' ? `${name}/gemm` : out;
        this.node('Gemm', ins, pre, name);
        return this.fused(layer, cfg, pre, out, 2);
      }
      case 'BatchNormalization': {
        const ws = w();
        const mean = ws.get('moving_mean');
        const variance = ws.get('moving_variance');
        if (!mean || !variance) throw new Error(`layer ${name}: batch norm without moving statistics`);
        const c = mean.data.length;
        const gamma = ws.get('gamma')?.data ?? new Float32Array(c).fill(1);
        const beta = ws.get('beta')?.data ?? new Float32Array(c);
        const eps = cfg.epsilon ?? 1e-3;
        const r = this.rankOf(x);
        const axis = [cfg.axis ?? -1].flat();
        if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== r - 1)) throw new Error(`layer ${name} (${cls}): normalizing axis ${JSON.stringify(cfg.axis)} has no ONNX export; only the channel (last) axis`);
        if (r === 4) {
          this.node(
            'BatchNormalization',
            [x, this.constant(`${name}/gamma`, [c], gamma), this.constant(`${name}/beta`, [c], beta), this.constant(`${name}/mean`, [c], mean.data), this.constant(`${name}/variance`, [c], variance.data)],
            out,
            name,
            { epsilon: { float: eps } },
          );
        } else {
          // On [batch, features] the inference form is one scale and one shift per feature.
          const scale = gamma.map((g, i) => g / Math.sqrt(variance.data[i] + eps));
          const shift = beta.map((b, i) => b - mean.data[i] * scale[i]);
          const scaled = this.node('Mul', [x, this.constant(`${name}/scale`, [c], scale)], `${name}/scaled`, `${name}/scaled`);
          this.node('Add', [scaled, this.constant(`${name}/shift`, [c], shift)], out, name);
        }
        return this.setRank(out, r);
      }
      case 'Activation':
        this.activation(cfg.activation ?? 'linear', x, out, name);
        return;
      case 'LeakyReLU':
        this.node('LeakyRelu', [x], out, name, { alpha: { float: cfg.alpha ?? 0.3 } });
        return this.setRank(out, this.rankOf(x));
      case 'PReLU': {
        const { alpha } = Object.fromEntries(w());
        const r = this.rankOf(x);
        const channels = alpha.shape[alpha.shape.length - 1];
        if (alpha.data.length !== channels) throw new Error(`layer ${name}: PReLU with per-position slopes has no ONNX export; share axes 1 and 2`);
        this.node('PRelu', [x, this.constant(`${name}/alpha`, r === 4 ? [channels, 1, 1] : [channels], alpha.data)], out, name);
        return this.setRank(out, r);
      }
      case 'ChannelAffine': {
        const { gamma, beta } = Object.fromEntries(w());
        const r = this.rankOf(x);
        const c = gamma.data.length;
        // Per channel: axis 1 of an NCHW map ([C, 1, 1] broadcasts), the last axis of [batch, features].
        const dims = r === 4 ? [c, 1, 1] : [c];
        const scaled = this.node('Mul', [x, this.constant(`${name}/gamma`, dims, gamma.data)], `${name}/scaled`, `${name}/scaled`);
        this.node('Add', [scaled, this.constant(`${name}/beta`, dims, beta.data)], out, name);
        return this.setRank(out, r);
      }
      case 'ChannelZeroPad': {
        if (this.rankOf(x) !== 4) throw new Error(`layer ${name}: channel padding is exported on [batch, height, width, channels] maps only`);
        const inShape = layer.inboundNodes[0].inputTensors[0].shape;
        const extra = (cfg.channels ?? 0) - (inShape[3] as number);
        this.node('Pad', [x, this.constant(`${name}/pads`, [8], { int64: [0, 0, 0, 0, 0, extra, 0, 0] })], out, name, { mode: 'constant' });
        return this.setRank(out, 4);
      }
      case 'AveragePooling2D': {
        const window = cfg.poolSize ?? [2, 2];
        // tfjs' `same` average leaves the padding out of each mean; only `valid` (all the zoo uses) is written.
        if (cfg.padding !== 'valid') throw new Error(`layer ${name} (${cls}): '${cfg.padding}' padding has no ONNX export; use 'valid'`);
        this.node('AveragePool', [x], out, name, { kernel_shape: window, strides: cfg.strides ?? window, pads: [0, 0, 0, 0] });
        return this.setRank(out, 4);
      }
      case 'HardSwish':
        this.node('HardSwish', [x], out, name);
        return this.setRank(out, this.rankOf(x));
      case 'HardSigmoid':
        // relu6(x + 3) / 6 = max(0, min(1, x/6 + 1/2)): ONNX's HardSigmoid with α = 1/6, β = 1/2.
        this.node('HardSigmoid', [x], out, name, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
        return this.setRank(out, this.rankOf(x));
      case 'SeededDropout':
      case 'Dropout':
        this.node('Identity', [x], out, name);
        return this.setRank(out, this.rankOf(x));
      case 'L2Normalize': {
        if (this.rankOf(x) !== 2) throw new Error(`layer ${name}: L2Normalize is exported on [batch, features] only`);
        const sq = this.node('ReduceSumSquare', [x], `${name}/sumsq`, `${name}/sumsq`, { axes: [-1], keepdims: 1 });
        const floored = this.node('Max', [sq, this.scalar(NORM_SQUARED_FLOOR)], `${name}/floored`, `${name}/floored`);
        const norm = this.node('Sqrt', [floored], `${name}/norm`, `${name}/norm`);
        this.node('Div', [x, norm], out, name);
        return this.setRank(out, 2);
      }
      case 'Add':
      case 'Multiply': {
        const op = cls === 'Add' ? 'Add' : 'Mul';
        let acc = inputs[0];
        for (let i = 1; i < inputs.length; i++) acc = this.node(op, [acc, inputs[i]], i === inputs.length - 1 ? out : `${name}/${i}`, `${name}/${i}`);
        return this.setRank(out, Math.max(...inputs.map((v) => this.rankOf(v))));
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const pooled = this.node(cls === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x], `${name}/pool`, `${name}/pool`);
        this.node('Flatten', [pooled], out, name, { axis: 1 });
        return this.setRank(out, 2);
      }
      case 'MaxPooling2D': {
        const window = cfg.poolSize ?? [2, 2];
        // A `same` max-pool pads with −∞ in tfjs and in ONNX's MaxPool alike.
        this.node('MaxPool', [x], out, name, { kernel_shape: window, strides: cfg.strides ?? window, ...this.convPads(layer, cfg, window) });
        return this.setRank(out, 4);
      }
      case 'ZeroPadding2D': {
        // tfjs-layers stores [[top, bottom], [left, right]]; ONNX's Pad wants NCHW begins then ends.
        const [[top, bottom], [left, right]] = cfg.padding as unknown as number[][];
        this.node('Pad', [x, this.constant(`${name}/pads`, [8], { int64: [0, 0, top, left, 0, 0, bottom, right] })], out, name, { mode: 'constant' });
        return this.setRank(out, 4);
      }
      case 'Flatten': {
        if (this.rankOf(x) === 4) {
          // Back to NHWC first: the dense layer after it was trained on tfjs' element order.
          const nhwc = this.node('Transpose', [x], `${name}/nhwc`, `${name}/nhwc`, { perm: [0, 2, 3, 1] });
          this.node('Flatten', [nhwc], out, name, { axis: 1 });
        } else {
          this.node('Identity', [x], out, name);
        }
        return this.setRank(out, 2);
      }
      case 'Reshape': {
        const target = cfg.targetShape ?? [];
        if (this.rankOf(x) === 2 && target.length === 3 && target[0] === 1 && target[1] === 1) {
          // [B, C] → NHWC [B, 1, 1, C] is NCHW [B, C, 1, 1]: the same elements in the same order.
          this.node('Reshape', [x, this.constant(`${name}/shape`, [4], { int64: [0, target[2], 1, 1] })], out, name);
          return this.setRank(out, 4);
        }
        throw new Error(`layer ${name}: Reshape to [${target.join(', ')}] has no ONNX export`);
      }
      default:
        throw new Error(`layer ${name} (${cls}) has no ONNX export`);
    }
  }
}

/**
 * Writes a LayersModel the zoo builds as an ONNX model (opset 17): input "input"
 * [batch, channels, height, width] float32 (NCHW), outputs named after the model's output
 * layers ("logits", "embedding", "class_logits" + "box"). The preprocessing spec travels in
 * the file's metadata (key "studio.preprocessing"), so the model says how to feed it.
 */
export async function exportOnnx(model: tfl.LayersModel, opts: { preprocessing: PreprocessingSpec; producerVersion?: string }): Promise<Uint8Array> {
  const builder = new OnnxGraphBuilder(model);
  const { inputs, outputs } = builder.build();
  const inShape = model.inputs[0].shape;
  const [, h, wid, c] = inShape as number[];
  return modelProto(
    {
      name: model.name,
      nodes: builder.nodes,
      initializers: builder.initializers,
      inputs: inputs.map((name) => ({ name, dims: ['batch', c, h, wid] })),
      outputs: model.outputs.map((t, i) => ({ name: outputs[i], dims: ['batch', t.shape[t.shape.length - 1] as number] })),
    },
    { opset: OPSET, producerVersion: opts.producerVersion ?? '0.1.0', metadata: { 'studio.preprocessing': JSON.stringify(opts.preprocessing) } },
  );
}
