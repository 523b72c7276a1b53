import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** torch.nn.functional.normalize's eps is 1e-12 on the norm, i.e. 1e-24 on its square. */
const NORM_SQUARED_FLOOR = 1e-24;

/**
 * Scales each row to unit L2 norm (x / max(‖x‖, 1e-12), as torch's `F.normalize`), the
 * last step of an embedding model: margin losses and cosine-similarity verification
 * both assume embeddings on the unit sphere. A layer rather than a loose op so the
 * model's outputs are the embeddings themselves and a saved model reloads with it.
 */
export class L2Normalize extends tfl.layers.Layer {
  static className = 'L2Normalize';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), NORM_SQUARED_FLOOR))));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(L2Normalize);
