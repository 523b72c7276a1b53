import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';

/** Per-image factors; 1 leaves an image unchanged, an absent list skips that adjustment. */
export interface ColorFactors {
  brightness?: Float32Array;
  contrast?: Float32Array;
  saturation?: Float32Array;
}

export interface ColorJitterStrength {
  brightness: number;
  contrast: number;
  saturation: number;
}

/**
 * Draws torchvision ColorJitter factors, uniform in [max(0, 1 − s), 1 + s] per image for
 * each adjustment with strength s > 0. An adjustment of strength 0 draws nothing, so
 * turning one on or off does not shift the random stream of the others more than needed.
 */
export function drawColorFactors(batch: number, strength: ColorJitterStrength, rng: Rng): ColorFactors {
  const draw = (s: number) => {
    const f = new Float32Array(batch);
    for (let i = 0; i < batch; i++) f[i] = rng.uniform(Math.max(0, 1 - s), 1 + s);
    return f;
  };
  const out: ColorFactors = {};
  if (strength.brightness > 0) out.brightness = draw(strength.brightness);
  if (strength.contrast > 0) out.contrast = draw(strength.contrast);
  if (strength.saturation > 0) out.saturation = draw(strength.saturation);
  return out;
}

/**
 * Applies brightness, then contrast, then saturation as torchvision's adjust_* do on
 * float images: each blends the image with black, with the mean of its greyscale, or
 * with its per-pixel greyscale, and clips to [0, 1]. torchvision also shuffles the order
 * per image; a fixed order keeps the whole batch in three fused steps, and the factors
 * are still drawn per image. Saturation leaves greyscale (1-channel) images unchanged.
 */
export function adjustColors(x: tf.Tensor4D, factors: ColorFactors): tf.Tensor4D {
  const [batch, , , channels] = x.shape;
  return tf.tidy(() => {
    const perImage = (f: Float32Array) => {
      if (f.length !== batch) throw new Error(`colour factors need one value per image: ${batch} images, ${f.length} factors`);
      return tf.tensor4d(f, [batch, 1, 1, 1]);
    };
    const blend = (img: tf.Tensor4D, other: tf.Tensor, f: Float32Array): tf.Tensor4D => {
      const w = perImage(f);
      // f·img + (1 − f)·other, written as other + f·(img − other) to save one multiply.
      return tf.clipByValue(tf.add(other, tf.mul(w, tf.sub(img, other))), 0, 1) as tf.Tensor4D;
    };
    let y: tf.Tensor4D = x;
    if (factors.brightness) y = tf.clipByValue(tf.mul(y, perImage(factors.brightness)), 0, 1) as tf.Tensor4D;
    if (factors.contrast) y = blend(y, tf.mean(grey(y), [1, 2, 3], true), factors.contrast);
    if (factors.saturation && channels === 3) y = blend(y, grey(y), factors.saturation);
    return y === x ? tf.clone(x) : y;
  });
}

/** ITU-R 601 luma with torchvision's rgb_to_grayscale weights; a 1-channel image is its own grey. */
function grey(x: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[3] === 1) return x;
  return tf.sum(tf.mul(x, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true) as tf.Tensor4D;
}

/** Draws per-image factors and applies them: torchvision ColorJitter without hue. */
export function colorJitter(x: tf.Tensor4D, strength: ColorJitterStrength, rng: Rng): tf.Tensor4D {
  return adjustColors(x, drawColorFactors(x.shape[0], strength, rng));
}
