import sharp from 'sharp';
import { decodePnm } from '../../core/data/pnm.ts';
import { thumbnailSize, type ImageProbe } from '../imageProbe.ts';
import { PNM_TYPE } from '../sniffImageType.ts';

/**
 * Test support only: an ImageProbe for Node built on sharp, standing in for browserProbe
 * (which needs createImageBitmap). Truncated or corrupt files reject, as in a browser.
 */
export const sharpProbe: ImageProbe = async (bytes, name, type) => {
  try {
    const pnm = type === PNM_TYPE ? decodePnm(bytes, name) : undefined;
    const image = pnm
      ? sharp(pnm.data, { raw: { width: pnm.width, height: pnm.height, channels: pnm.channels } })
      : sharp(bytes, { failOn: 'truncated' });
    // Decoding the whole image, not just the header, is what finds a truncated file.
    const { info } = await image.clone().raw().toBuffer({ resolveWithObject: true });
    const size = thumbnailSize(info.width, info.height);
    const thumb = await image.resize(size.width, size.height).webp().toBuffer();
    return { width: info.width, height: info.height, thumb: { type: 'image/webp', bytes: thumb.buffer.slice(thumb.byteOffset, thumb.byteOffset + thumb.length) as ArrayBuffer } };
  } catch (e) {
    throw new Error(`${name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { cause: e });
  }
};
