import { pixelHash } from '../core/data/importPolicy.ts';
import { decodePnm } from '../core/data/pnm.ts';
import { THUMB_MAX_SIDE, thumbnailSize, type ImageProbe } from './imageProbe.ts';
import { PNM_TYPE } from '../core/data/sniffImageType.ts';
import { toRgba } from './toRgba.ts';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The browser's ImageProbe: decodes with createImageBitmap (PGM/PPM through decodePnm,
 * which browsers cannot read), hashes the pixels as the engine's decoder reads them (no
 * colour-space conversion, alpha not premultiplied) and draws the thumbnail on an
 * OffscreenCanvas. Works in a page and in a worker.
 */
export const browserProbe: ImageProbe = async (bytes, name, type) => {
  let bitmap: ImageBitmap;
  let hash: string | undefined;
  try {
    if (type === PNM_TYPE) {
      const image = decodePnm(bytes, name);
      hash = pixelHash(image);
      bitmap = await createImageBitmap(new ImageData(toRgba(image), image.width, image.height));
    } else {
      bitmap = await createImageBitmap(new Blob([bytes.slice()], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    }
  } catch (e) {
    throw new Error(`${name}: the browser cannot decode it (${messageOf(e)})`, { cause: e });
  }
  try {
    const { width, height } = bitmap;
    if (hash === undefined) {
      const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error(`${name}: no 2D canvas to read its pixels from`);
      context.drawImage(bitmap, 0, 0);
      hash = pixelHash({ width, height, channels: 4, data: context.getImageData(0, 0, width, height).data });
    }
    // Small enough already, and a format an <img> shows: the file is its own thumbnail.
    if (type !== PNM_TYPE && Math.max(width, height) <= THUMB_MAX_SIDE) {
      return { width, height, thumb: { type, bytes: bytes.slice().buffer }, pixelHash: hash };
    }
    const size = thumbnailSize(width, height);
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error(`${name}: no 2D canvas to draw its thumbnail on`);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    // A browser that cannot encode WebP returns PNG instead (the canvas spec's fallback); blob.type says which.
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.85 });
    return { width, height, thumb: { type: blob.type || 'image/png', bytes: await blob.arrayBuffer() }, pixelHash: hash };
  } finally {
    bitmap.close();
  }
};
