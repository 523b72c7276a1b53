import * as tf from '@tensorflow/tfjs-core';

/** Per-image geometric choices: flips, then a rotation (degrees, counter-clockwise as shown). */
export interface FlipRotate {
  flipH: boolean;
  flipV: boolean;
  degrees: number;
}

/**
 * Flips and rotates each image of the batch by its own parameters in a single
 * tf.image.transform call. tf.image.rotateWithOffset exists on the cpu and webgpu
 * backends but takes one angle for the whole batch, while torchvision's RandomRotation
 * draws an angle per image; a per-image projective matrix gives per-image angles and
 * folds the flips into the same resampling pass. Rotation is about the image centre,
 * bilinear, with black (0) outside the source: torchvision's F.rotate with bilinear
 * interpolation (its default is nearest; bilinear is smoother at the small angles
 * augmentation uses).
 */
export function flipAndRotate(x: tf.Tensor4D, params: FlipRotate[]): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  if (params.length !== batch) throw new Error(`flipAndRotate needs one entry per image: ${batch} images, ${params.length} entries`);
  if (params.every((p) => !p.flipH && !p.flipV && p.degrees === 0)) return tf.clone(x);
  const matrices = new Float32Array(batch * 8);
  params.forEach((p, i) => matrices.set(inverseMatrix(p, height, width), i * 8));
  // tfjs-backend-cpu 4.22's Transform kernel returns after the first image of a batch (its
  // return sits inside the batch loop), so there each image is warped on its own.
  if (tf.getBackend() === 'cpu' && batch > 1) {
    return tf.tidy(() =>
      tf.concat(
        tf.split(x, batch, 0).map((image, i) => warp(image as tf.Tensor4D, matrices.subarray(i * 8, i * 8 + 8), 1)),
        0,
      ),
    );
  }
  return tf.tidy(() => warp(x, matrices, batch));
}

function warp(x: tf.Tensor4D, matrices: Float32Array, rows: number): tf.Tensor4D {
  return tf.image.transform(x, tf.tensor2d(matrices, [rows, 8]), 'bilinear', 'constant', 0);
}

/**
 * The map from an output pixel (x, y) back to the input pixel it samples, as the 8
 * numbers tf.image.transform takes. Forward, an image is flipped and then rotated, so
 * backward a pixel is un-rotated and then un-flipped (flips are their own inverse).
 */
function inverseMatrix(p: FlipRotate, height: number, width: number): number[] {
  const theta = (p.degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // Un-rotate about the centre (rows grow downwards, so counter-clockwise on screen).
  const a = [cos, -sin, cx - cos * cx + sin * cy];
  const b = [sin, cos, cy - sin * cx - cos * cy];
  const sx = p.flipH ? -1 : 1;
  const sy = p.flipV ? -1 : 1;
  return [
    sx * a[0],
    sx * a[1],
    sx * a[2] + (p.flipH ? width - 1 : 0),
    sy * b[0],
    sy * b[1],
    sy * b[2] + (p.flipV ? height - 1 : 0),
    0,
    0,
  ];
}

/**
 * Carries normalized [x1, y1, x2, y2] boxes (B·4, in place) through the same flips and
 * rotations: the box becomes the axis-aligned hull of its rotated corners, clipped to
 * the image, which is what a detector trained on rotated images can be asked for.
 */
export function flipAndRotateBoxes(boxes: Float32Array, params: FlipRotate[], height: number, width: number): void {
  params.forEach((p, i) => {
    const o = i * 4;
    const theta = (p.degrees * Math.PI) / 180;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [nx, ny] of [
      [boxes[o], boxes[o + 1]],
      [boxes[o + 2], boxes[o + 1]],
      [boxes[o], boxes[o + 3]],
      [boxes[o + 2], boxes[o + 3]],
    ]) {
      // Continuous pixel coordinates (pixel edges), so the centre is (width/2, height/2).
      const px = (p.flipH ? 1 - nx : nx) * width - width / 2;
      const py = (p.flipV ? 1 - ny : ny) * height - height / 2;
      xs.push((px * cos + py * sin + width / 2) / width);
      ys.push((-px * sin + py * cos + height / 2) / height);
    }
    boxes[o] = clamp01(Math.min(...xs));
    boxes[o + 1] = clamp01(Math.min(...ys));
    boxes[o + 2] = clamp01(Math.max(...xs));
    boxes[o + 3] = clamp01(Math.max(...ys));
  });
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
