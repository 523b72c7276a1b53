import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/**
 * MobileNetV3's piecewise-linear activations, as the paper and torchvision define them:
 * hardSigmoid(x) = relu6(x + 3) / 6 and hardSwish(x) = x · hardSigmoid(x). tfjs-layers'
 * built-in 'hardSigmoid' is Keras' older 0.2·x + 0.5 variant, a different function, so
 * both are layers of their own here (registered, so saved models load again).
 */
export function hardSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

export class HardSigmoid extends tfl.layers.Layer {
  static className = 'HardSigmoid';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => hardSigmoid(x));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(HardSigmoid);

export class HardSwish extends tfl.layers.Layer {
  static className = 'HardSwish';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.mul(x, hardSigmoid(x)));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(HardSwish);
