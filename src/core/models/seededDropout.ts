import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
  seed: number;
}

/**
 * Inverted dropout whose masks are a deterministic function of the model seed.
 * tfjs-layers' own Dropout passes its fixed `seed` to every call, so it would drop the
 * same units on every training step; this layer draws mask i from seed + i instead, so
 * a run is reproducible and the masks still change from step to step. Identity outside
 * training, as dropout should be.
 */
export class SeededDropout extends tfl.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  /** How many masks have been drawn: the next one uses seed + calls. */
  calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate must lie in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return tf.clone(x);
    const seed = this.seed + this.calls;
    this.calls += 1;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
