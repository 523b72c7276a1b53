import type { DecodedImage } from '../core/data/sampleSource.ts';

/**
 * Shrinks an image by the smallest whole factor that brings its longest side to at most
 * `maxSide`, averaging each factor x factor block (rounded); edge rows and columns that do
 * not fill a block are dropped. Plain integer arithmetic, so the result (and a thumbnail
 * encoded from it) is the same on every machine.
 */
export function shrinkImage(image: DecodedImage, maxSide: number): DecodedImage {
  const { width, height, channels, data } = image;
  const factor = Math.ceil(Math.max(width, height) / maxSide);
  if (factor <= 1) return image;
  const w = Math.max(1, Math.floor(width / factor));
  const h = Math.max(1, Math.floor(height / factor));
  const out = new Uint8Array(w * h * channels);
  const rows = Math.min(factor, height);
  const cols = Math.min(factor, width);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = 0; dy < rows; dy++) {
          for (let dx = 0; dx < cols; dx++) sum += data[((y * factor + dy) * width + x * factor + dx) * channels + c];
        }
        out[(y * w + x) * channels + c] = Math.round(sum / (rows * cols));
      }
    }
  }
  return { width: w, height: h, channels, data: out };
}
