import sharp from 'sharp';
import { pixelHash } from '../../core/data/importPolicy.ts';
import { decodePnm } from '../../core/data/pnm.ts';
import { decodeImageFile } from '../../node/decodeImage.ts';
import { thumbnailSize, type ImageProbe } from '../imageProbe.ts';
import { PNM_TYPE } from '../../core/data/sniffImageType.ts';

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
    // Pixels as the CLI's decoder gives them, so the studio's import and the folder source hash alike.
    const hash = pixelHash(pnm ?? (await decodeImageFile(bytes, name)));
    return {
      width: info.width,
      height: info.height,
      thumb: { type: 'image/webp', bytes: thumb.buffer.slice(thumb.byteOffset, thumb.byteOffset + thumb.length) as ArrayBuffer },
      pixelHash: hash,
    };
  } catch (e) {
    throw new Error(`${name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { cause: e });
  }
};
