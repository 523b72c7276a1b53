import * as tf from '@tensorflow/tfjs-core';
import type { DecodedImage } from './sampleSource.ts';

/**
 * Channel conversion on the host (cheap and exact), then a resize on the backend: a
 * box-filter shrink by the whole factor first, so large photos are not aliased by the
 * bilinear step (close to what PIL's antialiased resize gives), then bilinear to size.
 */
export async function toTrainingPixels(image: DecodedImage, size: number, channels: 1 | 3): Promise<Uint8Array> {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0)) throw new Error(`image has no pixels (${width}x${height})`);
  if (data.length !== width * height * image.channels) {
    throw new Error(`decoded data has ${data.length} bytes, expected ${width}x${height}x${image.channels} = ${width * height * image.channels}`);
  }
  const converted = convertChannels(data, width * height, image.channels, channels);
  if (width === size && height === size) return converted;
  const resized = tf.tidy(() => {
    let t: tf.Tensor4D = tf.tensor4d(converted, [1, height, width, channels], 'float32');
    const factor = Math.floor(Math.min(height / size, width / size));
    if (factor >= 2) t = tf.avgPool(t, factor, factor, 'valid');
    return tf.image.resizeBilinear(t, [size, size], false, true);
  });
  try {
    const values = await resized.data();
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(values[i])));
    return out;
  } finally {
    resized.dispose();
  }
}

/** Grey ↔ RGB and alpha dropping; grey from RGB uses the ITU-R 601 luma weights as PIL's convert('L'). */
function convertChannels(data: ArrayLike<number>, pixels: number, from: 1 | 3 | 4, to: 1 | 3): Uint8Array {
  if (from === to) return Uint8Array.from(data);
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    const s = p * from;
    if (to === 3) {
      const o = p * 3;
      out[o] = data[s];
      out[o + 1] = data[from === 1 ? s : s + 1];
      out[o + 2] = data[from === 1 ? s : s + 2];
    } else {
      out[p] = from === 1 ? data[s] : Math.round(0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2]);
    }
  }
  return out;
}
