import { decodePnm } from '../core/data/pnm.ts';
import type { ImageDecoder } from '../core/data/sampleSource.ts';
import { PNM_TYPE, sniffImageType } from '../core/data/sniffImageType.ts';

/**
 * The browser's ImageDecoder, for the engine worker reading training images: RGBA pixels
 * through createImageBitmap and an OffscreenCanvas (both exist in workers), or PGM/PPM's
 * own grey or RGB pixels through decodePnm. No colour-space conversion, so pixels match
 * what the Node host decodes (semi-transparent ones up to rounding: a 2D canvas keeps
 * colour premultiplied by alpha).
 */
export const browserDecoder: ImageDecoder = async (bytes, name) => {
  const type = sniffImageType(bytes);
  if (type === PNM_TYPE) return decodePnm(bytes, name);
  if (!type) throw new Error(`${name}: not an image (its bytes are not PNG, JPEG, GIF, WebP, BMP or PGM/PPM)`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes.slice()], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new Error(`${name}: the browser cannot decode it (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  try {
    const { width, height } = bitmap;
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error(`${name}: no 2D canvas to read its pixels from`);
    context.drawImage(bitmap, 0, 0);
    return { width, height, channels: 4, data: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
};
