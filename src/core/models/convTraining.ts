import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FUSED_OPS_FLAG } from './fusedOpsFlag.ts';

interface ConvConfig {
  strides: [number, number];
  padding: 'same' | 'valid';
  dataFormat: string;
  dilationRate: [number, number];
  activation: string;
  useBias: boolean;
}

/** Whether any layer upstream of `layer` has trainable weights: its input then carries a gradient the step needs. */
function inputCarriesGradient(layer: tfl.layers.Layer): boolean {
  const seen = new Set<tfl.layers.Layer>();
  const pending = layer.inboundNodes.flatMap((node) => node.inboundLayers);
  while (pending.length > 0) {
    const upstream = pending.pop()!;
    if (seen.has(upstream)) continue;
    seen.add(upstream);
    if (upstream.trainable && upstream.trainableWeights.length > 0) return true;
    for (const node of upstream.inboundNodes) pending.push(...node.inboundLayers);
  }
  return false;
}

/**
 * Makes a tfjs-layers Conv2D without a fused activation train through `tf.conv2d` (and
 * `tf.add` for its bias) instead of tfjs's fused convolution where the fused op would
 * waste work. The fused op differentiates through one custom gradient that computes the
 * input's gradient along with the filter's even when the input is data: for a stem that is
 * the image's gradient, which nothing reads and which cost 30% of a ResNet-18 training step
 * on WebGPU (a full-resolution input gradient of a 7×7 stride-2 convolution). `tf.conv2d`'s
 * gradient is per input, and tfjs computes only those a trainable variable depends on. So a
 * convolution whose input comes from data or frozen layers only (checked at each call: an
 * unfrozen backbone changes it), or which is itself frozen, trains through `tf.conv2d`; the
 * others keep the fused op, whose gradients are the same ones, and whose bias rides on the
 * convolution's output instead of a separate full-size `Add` (a quarter of a face-api
 * expression-net step on the cpu kernels). The values are the same either way (the fused
 * op adds the bias to the same sum); off with FUSED_OPS_FLAG, like every other fusion, so
 * stock tfjs is measured as it is. Inference and channels-first layers keep the layer's
 * call, and so do layers with an activation: tfjs already trains those unfused (conv2d,
 * add, activation), the fused op being kept for a linear convolution only.
 * The layer is unchanged otherwise (class, config, weights, serialization).
 */
export function withSeparateConvGradients<L extends tfl.layers.Layer>(layer: L): L {
  const own = layer.call.bind(layer);
  const config = layer.getConfig() as unknown as ConvConfig;
  const separable = config.activation === 'linear' && config.dataFormat === 'channelsLast';
  layer.call = (inputs, kwargs) => {
    if (!separable || kwargs.training !== true || !tf.env().getBool(FUSED_OPS_FLAG)) return own(inputs, kwargs);
    if (config.useBias && layer.trainable && inputCarriesGradient(layer)) return own(inputs, kwargs);
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const [kernel, bias] = layer.weights.map((w) => w.read());
      const y = tf.conv2d(x, kernel as tf.Tensor4D, config.strides, config.padding, 'NHWC', config.dilationRate);
      return config.useBias ? tf.add(y, bias) : y;
    });
  };
  return layer;
}
