import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isInferenceWhenFrozen } from '../models/batchNormTraining.ts';

/** Layers without weights that compute the same thing in training and in inference. */
const DETERMINISTIC = new Set([
  'ZeroPadding2D',
  'ChannelZeroPad',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Activation',
  'Add',
  'Multiply',
  'LeakyReLU',
  'HardSwish',
  'HardSigmoid',
  'L2Normalize',
]);

/**
 * The part of a model that training cannot change and that computes the same in a training
 * pass as in inference: frozen layers (a frozen batch norm only when it runs on its running
 * statistics), and the weightless deterministic layers fed only by them (pooling, flatten,
 * activations). Its outputs that the trainable rest reads are the `boundary`: computed once
 * per image, they are all the rest needs. Undefined when nothing trainable depends on less
 * than the whole model, or when the backbone is not frozen whole.
 */
export interface FrozenPart {
  /** Image in, every boundary value out (inference). */
  trunk: tfl.LayersModel;
  /** The trainable rest, run from boundary values (one tensor per boundary, batch first). */
  rest(boundary: tf.Tensor[], training: boolean): tf.Tensor[];
  /** Floats per image in the boundary values. */
  valuesPerImage: number;
}

export function frozenPart(model: tfl.LayersModel, backboneLayers: (name: string) => boolean): FrozenPart | undefined {
  const frozen = new Set<string>();
  const isFrozen = (layer: tfl.layers.Layer): boolean => {
    if (layer.getClassName() === 'InputLayer') return true;
    const inputsFrozen = layer.inboundNodes[0].inboundLayers.every((l) => frozen.has(l.name));
    if (!inputsFrozen) return false;
    if (layer.weights.length === 0) return DETERMINISTIC.has(layer.getClassName());
    if (layer.trainable) return false;
    return layer.getClassName() !== 'BatchNormalization' || isInferenceWhenFrozen(layer);
  };
  for (const layer of model.layers) if (isFrozen(layer)) frozen.add(layer.name);
  // Only a backbone frozen whole: a partly frozen one trains through the rest of it anyway.
  if (!model.layers.every((l) => !backboneLayers(l.name) || frozen.has(l.name))) return undefined;
  const rest = model.layers.filter((l) => !frozen.has(l.name));
  if (rest.length === 0) return undefined;
  const boundary: tfl.SymbolicTensor[] = [];
  for (const layer of rest) {
    for (const t of layer.inboundNodes[0].inputTensors) {
      if (frozen.has(t.sourceLayer.name) && !boundary.includes(t)) boundary.push(t);
    }
  }
  if (boundary.some((t) => t.sourceLayer.getClassName() === 'InputLayer')) return undefined;
  const outputs = model.outputs;
  if (outputs.some((t) => frozen.has(t.sourceLayer.name))) return undefined;
  const trunk = tfl.model({ inputs: model.inputs, outputs: boundary });
  const valuesPerImage = boundary.reduce((n, t) => n + t.shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1), 0);
  return {
    trunk,
    valuesPerImage,
    rest: (values, training) => {
      // The graph from the boundary on, layer by layer in the model's own (topological) order.
      const known = new Map<string, tf.Tensor>(boundary.map((t, i) => [t.name, values[i]]));
      for (const layer of rest) {
        const node = layer.inboundNodes[0];
        const inputs = node.inputTensors.map((t) => {
          const v = known.get(t.name);
          if (!v) throw new Error(`internal: ${layer.name} reads ${t.name} before it is computed`);
          return v;
        });
        const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training }) as tf.Tensor | tf.Tensor[];
        const outs = Array.isArray(out) ? out : [out];
        node.outputTensors.forEach((t, i) => known.set(t.name, outs[i]));
      }
      return outputs.map((t) => known.get(t.name)!);
    },
  };
}
