import * as tf from '@tensorflow/tfjs-core';
import type { AugmentationSpec } from '../spec/runSpec.ts';
import type { Rng } from '../util/rng.ts';
import { adjustColors, drawColorFactors } from './colorJitter.ts';
import { flipAndRotate, flipAndRotateBoxes, type FlipRotate } from './flipAndRotate.ts';
import { cropBoxes, cropParams, resizedCrop, type CropRect } from './randomResizedCrop.ts';

/**
 * Applies the spec's per-image augmentations to a float batch [B, H, W, C] in [0, 1], in
 * torchvision's usual order: random resized crop, flips, rotation, colour jitter. Mixup
 * is separate (see mixup.ts) because it needs the labels.
 *
 * Every random number comes from `rng`, drawn on the host before any tensor work, so a
 * run resumed with the checkpointed RNG state augments exactly as the original would;
 * tf.random* would not (its state is not ours to save).
 *
 * With `boxes` (normalized [x1, y1, x2, y2] per image, B·4), the boxes are moved in place
 * through the crop, flips and rotation, so a detection target stays on the object.
 * Returns a new tensor; `x` is left to the caller.
 */
export function augmentBatch(x: tf.Tensor4D, spec: AugmentationSpec, rng: Rng, boxes?: Float32Array): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  if (boxes && boxes.length !== batch * 4) throw new Error(`augmentBatch needs 4 box numbers per image: ${batch} images, ${boxes.length} numbers`);

  let crops: CropRect[] | undefined;
  if (spec.randomResizedCrop) {
    const { scale, ratio } = spec.randomResizedCrop;
    crops = Array.from({ length: batch }, () => cropParams(height, width, scale, ratio, rng));
  }
  let geometry: FlipRotate[] | undefined;
  if (spec.flip || (spec.rotation && spec.rotation.degrees > 0)) {
    const flip = spec.flip;
    const degrees = spec.rotation?.degrees ?? 0;
    geometry = Array.from({ length: batch }, () => ({
      flipH: flip?.horizontal ? rng.next() < flip.p : false,
      flipV: flip?.vertical ? rng.next() < flip.p : false,
      degrees: degrees > 0 ? rng.uniform(-degrees, degrees) : 0,
    }));
  }
  const colors = spec.colorJitter ? drawColorFactors(batch, spec.colorJitter, rng) : undefined;

  if (boxes && crops) cropBoxes(boxes, crops, height, width);
  if (boxes && geometry) flipAndRotateBoxes(boxes, geometry, height, width);

  return tf.tidy(() => {
    let y = x;
    if (crops) y = resizedCrop(y, crops);
    if (geometry) y = flipAndRotate(y, geometry);
    if (colors) y = adjustColors(y, colors);
    return y === x ? tf.clone(x) : y;
  });
}
