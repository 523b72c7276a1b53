import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface ChannelZeroPadArgs extends LayerArgs {
  /** The channel count after padding; the new channels are zeros after the existing ones. */
  channels: number;
}

/**
 * Appends zero channels to a `[B, H, W, C]` map: the parameter-free shortcut of dlib's
 * down-sampling residual blocks (face-api.js concatenates zeros to the pooled input), where
 * a ResNet would use a 1×1 convolution. tfjs-layers has no layer for it.
 */
export class ChannelZeroPad extends tfl.layers.Layer {
  static className = 'ChannelZeroPad';
  readonly channels: number;

  constructor(args: ChannelZeroPadArgs) {
    super(args);
    if (!Number.isInteger(args.channels) || args.channels < 1) throw new Error(`channel padding needs a positive channel count, got ${args.channels}`);
    this.channels = args.channels;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const extra = this.channels - x.shape[x.rank - 1];
    if (extra < 0) throw new Error(`layer ${this.name}: the input has ${x.shape[x.rank - 1]} channels, more than ${this.channels}`);
    return tf.tidy(() => (extra === 0 ? tf.clone(x) : tf.pad(x, [...x.shape.slice(0, -1).map((): [number, number] => [0, 0]), [0, extra]])));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.channels];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }
}
tf.serialization.registerClass(ChannelZeroPad);
