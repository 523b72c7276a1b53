import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface ChannelAffineArgs extends LayerArgs {
  /** γ's starting value (1 unless told: the identity map). */
  gammaInit?: number;
}

/**
 * x · γ + β per channel (the last axis): dlib's `affine` layer, which face-api.js calls
 * "scale". dlib trains its face network with batch norm and replaces each one by this fixed
 * affine map for inference; the weights people have are those maps, so the zoo keeps the
 * layer as it is (a batch norm would use the batch's statistics in training mode and
 * compute another function). γ starts at `gammaInit` (1 by default) and β at 0; both train.
 */
export class ChannelAffine extends tfl.layers.Layer {
  static className = 'ChannelAffine';
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;
  readonly gammaInit: number;

  constructor(args: ChannelAffineArgs = {}) {
    super(args);
    this.gammaInit = args.gammaInit ?? 1;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') throw new Error(`layer ${this.name}: the channel count must be known`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.constant({ value: this.gammaInit }));
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // Multiply, then add, as face-api.js' scale layer does, so the rounding is the same.
    return tf.tidy(() => tf.add(tf.mul(x, this.gamma!.read()), this.beta!.read()));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gammaInit: this.gammaInit };
  }
}
tf.serialization.registerClass(ChannelAffine);
