import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConvention } from '../spec/runSpec.ts';
import { Rng } from '../util/rng.ts';
import { isFusedActivation } from './activationGradKernel.ts';
import { withFusedActivationTraining } from './activationTraining.ts';
import { withFusedBatchNormTraining } from './batchNormTraining.ts';
import { ChannelAffine } from './channelAffine.ts';
import { ChannelZeroPad } from './channelZeroPad.ts';
import { withSeparateConvGradients } from './convTraining.ts';
import { HardSigmoid, HardSwish } from './hardActivations.ts';
import { makeDivisible } from './makeDivisible.ts';
import { SeededDropout } from './seededDropout.ts';

export type SymbolicTensor = tfl.SymbolicTensor;
export type Layer = tfl.layers.Layer;

export type ActivationKind =
  | 'relu'
  | 'relu6'
  | 'leakyRelu'
  | 'gelu'
  | 'swish'
  | 'sigmoid'
  | 'hardSwish'
  | 'hardSigmoid'
  | 'prelu'
  | 'none';

export interface ConvOptions {
  stride?: number;
  bias?: boolean;
  /**
   * `same` pads as the convention does (PyTorch's symmetric padding on strided layers under
   * torchvision); `tfSame` is TensorFlow's `same` under any convention — the extra pixel at
   * the bottom and right — for networks trained in TensorFlow (face-api's).
   */
  padding?: Padding;
}

export type Padding = 'same' | 'valid' | 'tfSame';

/** The tfjs layer padding that computes a factory padding once PyTorch's has been written out. */
function tfPadding(padding: Padding): 'same' | 'valid' {
  return padding === 'valid' ? 'valid' : 'same';
}

/** PyTorch's nn.LeakyReLU default; Keras' 0.3 would be a different head than seed 002's. */
const LEAKY_RELU_SLOPE = 0.01;
/** Keras momentum 0.9 is PyTorch's default 0.1 (a batch's weight in the running statistics is 1 − this). */
const BN_MOMENTUM = 0.9;
/** nn.BatchNorm2d's default ε, and the zoo's everywhere it is not told otherwise. */
const BN_EPSILON = 1e-5;
/** nn.PReLU's initial slope (insightface's IResNet). */
const PRELU_INIT = 0.25;

/**
 * The one place the zoo creates layers. It gives every layer a name (checked unique, so
 * checkpoints and saved models read as `stage2_block1_conv1/kernel`), draws every
 * initializer's and every dropout's seed from one Rng in creation order (so the same
 * seed builds bit-identical initial weights), scales channel counts by the width
 * multiplier, and records the layers in creation order (so "freeze the first N layers"
 * means the first N the builder made).
 */
export class LayerFactory {
  readonly layers: Layer[] = [];
  /** The backbone's blocks in order (`stem`, `stage1_block1`, …, `last`): what `frozenLayers` counts under spec version 2. */
  readonly blocks: string[] = [];
  /** The block each layer made inside one belongs to (index into `blocks`). */
  readonly blockOf = new Map<Layer, number>();
  private currentBlock = -1;
  private readonly names = new Set<string>();
  private readonly rng: Rng;

  constructor(
    seed: number,
    readonly width: number,
    readonly convention: ModelConvention = 'torchvision',
  ) {
    this.rng = new Rng(seed);
  }

  /**
   * Every layer made from here on belongs to block `name`, until the next block starts or
   * `endBlocks` is called. A block is the unit a person freezes: torchvision's `features[i]`
   * or ResNet's `layerN[i]`, so "freeze 5" means what it means in PyTorch.
   */
  startBlock(name: string): void {
    this.blocks.push(name);
    this.currentBlock = this.blocks.length - 1;
  }

  /** Layers made after this (pooling, the heads) belong to no block. */
  endBlocks(): void {
    this.currentBlock = -1;
  }

  /** `torchvision` under PyTorch's convention, `keras` under the one version-1 specs keep. */
  byConvention<T>(values: { torchvision: T; keras: T }): T {
    return values[this.convention];
  }

  /**
   * Zero padding for a strided layer with a k×k window, as PyTorch pads it ((k − 1)/2 on
   * every side), or undefined where the layer's own padding already computes PyTorch's
   * function: stride 1 (`same` is symmetric for odd k), 1×1 windows, or the keras convention.
   * An even window has no symmetric padding and no torchvision layer uses one strided and
   * padded; it keeps `same` (the small CNN's 2×2 pools, which pad nothing on even sizes).
   */
  private torchPadding(x: SymbolicTensor, name: string, kernel: number, stride: number, padding: Padding): SymbolicTensor | undefined {
    if (this.convention !== 'torchvision' || padding !== 'same' || stride === 1 || kernel % 2 === 0) return undefined;
    const p = (kernel - 1) / 2;
    return this.apply(tfl.layers.zeroPadding2d({ name: `${name}_pad`, padding: [[p, p], [p, p]] }), x);
  }

  /** `channels · width`, rounded, never below 8 (ResNet, VGG, IResNet and the small models). */
  channels(channels: number, extra = 1): number {
    return Math.max(8, Math.round(channels * this.width * extra));
  }

  /** `channels · width` rounded to a multiple of 8 as MobileNet/EfficientNet do. */
  divisible(channels: number): number {
    return makeDivisible(channels * this.width);
  }

  private apply(layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    if (this.names.has(layer.name)) throw new Error(`duplicate layer name ${layer.name}`);
    this.names.add(layer.name);
    this.layers.push(layer);
    if (this.currentBlock >= 0) this.blockOf.set(layer, this.currentBlock);
    return layer.apply(x) as SymbolicTensor;
  }

  private heNormal(): ReturnType<typeof tfl.initializers.heNormal> {
    return tfl.initializers.heNormal({ seed: this.rng.seed() });
  }

  conv(x: SymbolicTensor, name: string, filters: number, kernel: number, opts: ConvOptions = {}): SymbolicTensor {
    const stride = opts.stride ?? 1;
    const padding = opts.padding ?? 'same';
    const padded = this.torchPadding(x, name, kernel, stride, padding);
    const layer = tfl.layers.conv2d({
      name,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: padded ? 'valid' : tfPadding(padding),
      useBias: opts.bias ?? false,
      kernelInitializer: this.heNormal(),
    });
    // Trains without the image's gradient when this is a stem (convTraining.ts).
    return this.apply(withSeparateConvGradients(layer), padded ?? x);
  }

  /**
   * tfjs computes a depthwise kernel's fan-in as k·k·channels, though each output sees
   * only k·k inputs; He's variance is therefore written out from the true fan-in.
   */
  depthwise(x: SymbolicTensor, name: string, kernel: number, stride = 1, padding: Padding = 'same'): SymbolicTensor {
    const padded = this.torchPadding(x, name, kernel, stride, padding);
    const layer = tfl.layers.depthwiseConv2d({
      name,
      kernelSize: kernel,
      strides: stride,
      padding: padded ? 'valid' : tfPadding(padding),
      useBias: false,
      depthwiseInitializer: tfl.initializers.truncatedNormal({ mean: 0, stddev: Math.sqrt(2 / (kernel * kernel)), seed: this.rng.seed() }),
    });
    return this.apply(layer, padded ?? x);
  }

  /**
   * Trains through one fused op with a closed-form gradient (batchNormTraining.ts); under
   * the torchvision convention its running variance takes the unbiased batch variance, as
   * PyTorch's does. `momentum` is Keras' (the running statistics' share, PyTorch's 1 −
   * momentum). `fixedScale` keeps γ at 1 (insightface's embedding BN). tfjs' `scale: false`
   * fails in training mode, so γ exists but its variable is not trainable; a reloaded
   * model lists it as trainable again.
   */
  batchNorm(x: SymbolicTensor, name: string, opts: { epsilon?: number; momentum?: number; fixedScale?: boolean } = {}): SymbolicTensor {
    const layer = withFusedBatchNormTraining(
      tfl.layers.batchNormalization({ name, axis: -1, momentum: opts.momentum ?? BN_MOMENTUM, epsilon: opts.epsilon ?? BN_EPSILON }),
      { unbiasedVariance: this.convention === 'torchvision' },
    );
    const y = this.apply(layer, x);
    if (opts.fixedScale) {
      const gamma = layer.weights.find((w) => w.originalName.endsWith('/gamma'));
      if (gamma) gamma.trainable = false;
    }
    return y;
  }

  /** x · γ + β per channel, dlib's inference-time stand-in for batch norm (channelAffine.ts); γ starts at `gammaInit` (1). */
  affine(x: SymbolicTensor, name: string, opts: { gammaInit?: number } = {}): SymbolicTensor {
    return this.apply(new ChannelAffine({ name, gammaInit: opts.gammaInit }), x);
  }

  activation(x: SymbolicTensor, name: string, kind: ActivationKind): SymbolicTensor {
    switch (kind) {
      case 'none':
        return x;
      case 'leakyRelu':
        return this.apply(tfl.layers.leakyReLU({ name, alpha: LEAKY_RELU_SLOPE }), x);
      case 'hardSwish':
        return this.apply(withFusedActivationTraining(new HardSwish({ name }), 'hardSwish'), x);
      case 'hardSigmoid':
        return this.apply(withFusedActivationTraining(new HardSigmoid({ name }), 'hardSigmoid'), x);
      case 'prelu': {
        const rank = x.shape.length;
        const sharedAxes = rank === 4 ? [1, 2] : undefined;
        return this.apply(tfl.layers.prelu({ name, sharedAxes, alphaInitializer: tfl.initializers.constant({ value: PRELU_INIT }) }), x);
      }
      default: {
        const layer = tfl.layers.activation({ name, activation: kind });
        // Trains with a one-kernel gradient where the backend has it (activationTraining.ts).
        return this.apply(isFusedActivation(kind) ? withFusedActivationTraining(layer, kind) : layer, x);
      }
    }
  }

  /**
   * conv (no bias) → batch norm → activation, the unit most of the zoo is made of, named
   * `${prefix}_conv${index}`, `${prefix}_bn${index}`, `${prefix}_${act}${index}`.
   */
  convBnAct(
    x: SymbolicTensor,
    prefix: string,
    filters: number,
    kernel: number,
    act: ActivationKind,
    opts: { stride?: number; epsilon?: number; momentum?: number; index?: number } = {},
  ): SymbolicTensor {
    const i = opts.index ?? '';
    const conv = this.conv(x, `${prefix}_conv${i}`, filters, kernel, { stride: opts.stride });
    return this.activation(this.batchNorm(conv, `${prefix}_bn${i}`, opts), `${prefix}_${act}${i}`, act);
  }

  dense(x: SymbolicTensor, name: string, units: number, opts: { bias?: boolean; init?: 'he' | 'glorot' } = {}): SymbolicTensor {
    const seed = this.rng.seed();
    const layer = tfl.layers.dense({
      name,
      units,
      useBias: opts.bias ?? true,
      kernelInitializer: opts.init === 'glorot' ? tfl.initializers.glorotUniform({ seed }) : tfl.initializers.heNormal({ seed }),
    });
    return this.apply(layer, x);
  }

  /** A rate of 0 adds no layer. */
  dropout(x: SymbolicTensor, name: string, rate: number): SymbolicTensor {
    if (rate === 0) return x;
    return this.apply(new SeededDropout({ name, rate, seed: this.rng.seed() }), x);
  }

  add(xs: SymbolicTensor[], name: string): SymbolicTensor {
    return this.apply(tfl.layers.add({ name }), xs);
  }

  multiply(xs: SymbolicTensor[], name: string): SymbolicTensor {
    return this.apply(tfl.layers.multiply({ name }), xs);
  }

  globalAvgPool(x: SymbolicTensor, name: string): SymbolicTensor {
    return this.apply(tfl.layers.globalAveragePooling2d({ name }), x);
  }

  globalMaxPool(x: SymbolicTensor, name: string): SymbolicTensor {
    return this.apply(tfl.layers.globalMaxPooling2d({ name }), x);
  }

  /**
   * Under the torchvision convention a strided `same` pool pads symmetrically with zeros,
   * which is PyTorch's −∞ padding only where no window sees a negative value: the caller
   * says the input is non-negative (it follows a ReLU), or the pool is refused.
   */
  maxPool(x: SymbolicTensor, name: string, size: number, stride: number, padding: 'same' | 'valid', opts: { nonNegativeInput?: boolean } = {}): SymbolicTensor {
    const padded = this.torchPadding(x, name, size, stride, padding);
    if (padded && !opts.nonNegativeInput) throw new Error(`layer ${name}: PyTorch pads a max-pool with -inf; zero padding is only the same after a ReLU`);
    return this.apply(tfl.layers.maxPooling2d({ name, poolSize: size, strides: stride, padding: padded ? 'valid' : padding }), padded ?? x);
  }

  /** Average pooling without padding: the only kind the zoo uses (dlib's 2×2/2 shortcut pool). */
  avgPool(x: SymbolicTensor, name: string, size: number, stride: number): SymbolicTensor {
    return this.apply(tfl.layers.averagePooling2d({ name, poolSize: size, strides: stride, padding: 'valid' }), x);
  }

  /** Zeros around a map, [[top, bottom], [left, right]] pixels, exactly as given. */
  zeroPad(x: SymbolicTensor, name: string, padding: [[number, number], [number, number]]): SymbolicTensor {
    return this.apply(tfl.layers.zeroPadding2d({ name, padding }), x);
  }

  /** Zero channels after the existing ones, up to `channels` (channelZeroPad.ts). */
  padChannels(x: SymbolicTensor, name: string, channels: number): SymbolicTensor {
    return this.apply(new ChannelZeroPad({ name, channels }), x);
  }

  flatten(x: SymbolicTensor, name: string): SymbolicTensor {
    return this.apply(tfl.layers.flatten({ name }), x);
  }

  reshape(x: SymbolicTensor, name: string, targetShape: number[]): SymbolicTensor {
    return this.apply(tfl.layers.reshape({ name, targetShape }), x);
  }

  /** Squeeze-and-excitation on `x` `[B, H, W, C]`: pool → dense → act → dense → gate → x · gate. */
  squeezeExcite(x: SymbolicTensor, name: string, squeeze: number, act: ActivationKind, gate: ActivationKind): SymbolicTensor {
    const channels = x.shape[3] as number;
    const pooled = this.globalAvgPool(x, `${name}_pool`);
    const reduced = this.activation(this.dense(pooled, `${name}_reduce`, squeeze), `${name}_${act}`, act);
    const scale = this.activation(this.dense(reduced, `${name}_expand`, channels), `${name}_${gate}`, gate);
    return this.multiply([x, this.reshape(scale, `${name}_reshape`, [1, 1, channels])], `${name}_scale`);
  }

  /** A layer made outside the factory (a custom head piece) still gets a checked name and its place in the order. */
  custom(layer: Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    return this.apply(layer, x);
  }
}
