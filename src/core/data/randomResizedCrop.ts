import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng.ts';

/** A crop in pixels: rows top..top+height-1, columns left..left+width-1. */
export interface CropRect {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's RandomResizedCrop.get_params: up to 10 tries at an area drawn uniformly
 * from `scale` (of the whole image) and an aspect ratio drawn log-uniformly from `ratio`;
 * a try that does not fit falls through, and after 10 the crop is the largest centred
 * one whose ratio is clamped into `ratio`. Kept draw for draw so that the ranges people
 * tune in PyTorch mean the same here.
 */
export function cropParams(height: number, width: number, scale: [number, number], ratio: [number, number], rng: Rng): CropRect {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Crops every image of `x` to its own rect and resizes it back to `x`'s size (bilinear),
 * in one cropAndResize call for the whole batch.
 */
export function resizedCrop(x: tf.Tensor4D, crops: CropRect[]): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  if (crops.length !== batch) throw new Error(`resizedCrop needs one crop per image: ${batch} images, ${crops.length} crops`);
  // cropAndResize maps a normalized coordinate c to pixel c·(size−1): these boxes put the
  // first and last samples on the centres of the crop's first and last pixels.
  const dy = Math.max(1, height - 1);
  const dx = Math.max(1, width - 1);
  const boxes = new Float32Array(batch * 4);
  crops.forEach((c, i) => boxes.set([c.top / dy, c.left / dx, (c.top + c.height - 1) / dy, (c.left + c.width - 1) / dx], i * 4));
  return tf.tidy(() =>
    tf.image.cropAndResize(
      x,
      tf.tensor2d(boxes, [batch, 4]),
      tf.tensor1d(
        crops.map((_, i) => i),
        'int32',
      ),
      [height, width],
      'bilinear',
    ),
  );
}

/** Moves normalized [x1, y1, x2, y2] boxes (B·4, in place) into the crops' frames, clipped to the image. */
export function cropBoxes(boxes: Float32Array, crops: CropRect[], height: number, width: number): void {
  crops.forEach((c, i) => {
    const x0 = c.left / width;
    const y0 = c.top / height;
    const cw = c.width / width;
    const ch = c.height / height;
    const o = i * 4;
    boxes[o] = clamp01((boxes[o] - x0) / cw);
    boxes[o + 1] = clamp01((boxes[o + 1] - y0) / ch);
    boxes[o + 2] = clamp01((boxes[o + 2] - x0) / cw);
    boxes[o + 3] = clamp01((boxes[o + 3] - y0) / ch);
  });
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
