import * as tf from '@tensorflow/tfjs-core';
import type { NormalizationSpec } from '../spec/runSpec.ts';

export interface NormalizationParams {
  mean: number[];
  std: number[];
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

const average = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Per-channel mean and std applied to pixels already scaled to [0, 1].
 * 'imagenet' is torchvision's constants (seed 002's pretrained backbones expect them),
 * averaged over the channels for greyscale input; 'half' maps to [-1, 1] (the usual face
 * recognition input); 'unit' leaves [0, 1] as is.
 */
export function normalizationParams(spec: NormalizationSpec, channels: 1 | 3): NormalizationParams {
  const fit = (v: number[]) => (channels === 1 ? [average(v)] : v);
  switch (spec.preset) {
    case 'imagenet':
      return { mean: fit(IMAGENET_MEAN), std: fit(IMAGENET_STD) };
    case 'half':
      return { mean: Array(channels).fill(0.5), std: Array(channels).fill(0.5) };
    case 'unit':
      return { mean: Array(channels).fill(0), std: Array(channels).fill(1) };
    case 'custom': {
      const { mean, std } = spec;
      if (!mean || !std) throw new Error('custom normalization needs mean and std');
      for (const [name, v] of [
        ['mean', mean],
        ['std', std],
      ] as const) {
        if (v.length !== channels) throw new Error(`normalization ${name} needs ${channels} values (one per channel), got ${v.length}`);
      }
      if (std.some((s) => !(s > 0))) throw new Error(`normalization std must be > 0, got [${std.join(', ')}]`);
      return { mean: [...mean], std: [...std] };
    }
  }
}

/** (x − mean) / std per channel, as a new tensor; the input is left to the caller. */
export function normalize(batch01: tf.Tensor4D, params: NormalizationParams): tf.Tensor4D {
  const channels = batch01.shape[3];
  if (params.mean.length !== channels || params.std.length !== channels) {
    throw new Error(`normalization has ${params.mean.length} means and ${params.std.length} stds for ${channels} channels`);
  }
  if (params.mean.every((m) => m === 0) && params.std.every((s) => s === 1)) return tf.clone(batch01);
  return tf.tidy(() => {
    const mean = tf.tensor1d(params.mean);
    const invStd = tf.tensor1d(params.std.map((s) => 1 / s));
    return tf.mul(tf.sub(batch01, mean), invStd);
  });
}
