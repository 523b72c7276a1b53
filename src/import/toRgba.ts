import type { DecodedImage } from '../core/data/sampleSource.ts';

/** Grey, RGB or RGBA pixels widened to the RGBA that ImageData and canvases hold (opaque where there was no alpha). */
export function toRgba(image: DecodedImage): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, channels, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, s = 0; p < out.length; p += 4, s += channels) {
    out[p] = data[s];
    out[p + 1] = data[channels === 1 ? s : s + 1];
    out[p + 2] = data[channels === 1 ? s : s + 2];
    out[p + 3] = channels === 4 ? data[s + 3] : 255;
  }
  return out;
}
