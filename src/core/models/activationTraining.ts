import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATION_GRAD_KERNEL, ACTIVATION_KERNEL, isCompositeActivation, type FusedActivation } from './activationGradKernel.ts';
import { FUSED_OPS_FLAG } from './fusedOpsFlag.ts';
import { hardSigmoid } from './hardActivations.ts';

/**
 * The activation's forward, as the layer computes it value for value (relu6 as one kernel:
 * min(6, relu(x)) is the same number); swish and the hard ones as ACTIVATION_KERNEL's one
 * launch where the backend has it.
 */
function forward(x: tf.Tensor, activation: FusedActivation): tf.Tensor {
  if (isCompositeActivation(activation) && tf.getKernel(ACTIVATION_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(ACTIVATION_KERNEL, { x }, { activation }) as tf.Tensor;
  }
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'swish':
      return tf.mul(tf.sigmoid(x), x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'hardSigmoid':
      return hardSigmoid(x);
    case 'hardSwish':
      return tf.mul(x, hardSigmoid(x));
  }
}

/** The activation as one op whose gradient is the backend's ACTIVATION_GRAD_KERNEL (the caller checks that it has one). */
export function activationTraining(x: tf.Tensor, activation: FusedActivation): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return {
      value: forward(input, activation),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy, x: saved[0] }, { activation }) as tf.Tensor,
    };
  });
  return op(x);
}

/**
 * Makes an activation layer (tfjs-layers' Activation, the zoo's HardSwish / HardSigmoid) train through `activationTraining` when the backend
 * has the fused gradient kernel and FUSED_OPS_FLAG is set; inference, and backends without
 * the kernel, keep the layer's own call. The layer is unchanged otherwise (class, config,
 * serialization), so saved and exported models are exactly what they were.
 */
export function withFusedActivationTraining<L extends tfl.layers.Layer>(layer: L, activation: FusedActivation): L {
  const own = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    if (kwargs.training !== true || !tf.env().getBool(FUSED_OPS_FLAG) || !tf.getKernel(ACTIVATION_GRAD_KERNEL, tf.getBackend())) return own(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return activationTraining(x, activation);
  };
  return layer;
}
