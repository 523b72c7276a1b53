import { decodePnm } from '../core/data/pnm.ts';
import type { DecodedImage } from '../core/data/sampleSource.ts';
import { decodeBmp } from './decodeBmp.ts';

const startsWith = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

/** Netpbm greymaps and pixmaps: "P2", "P3", "P5" or "P6" then whitespace. */
function looksLikePnm(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x37 && /\s/.test(String.fromCharCode(bytes[2]));
}

/** sharp's messages are libvips internals over several lines; a person needs the gist. */
function plainReason(message: string): string {
  const first = message.split('\n')[0].trim();
  if (/unsupported image format/i.test(first)) return 'not an image, or in a format that cannot be read (use PNG, JPEG, WebP, GIF, TIFF, BMP or PGM/PPM)';
  if (/premature end|truncated|corrupt|read error|bad|invalid|not a/i.test(first)) return `corrupt or truncated image (${first})`;
  if (/pixel limit/i.test(first)) return 'the image is too large to decode';
  return `cannot decode the image (${first})`;
}

/**
 * Decodes an image file's bytes to 8-bit pixels on a Node host. PGM/PPM and BMP are decoded
 * here (libvips reads neither reliably); everything else goes through sharp, taking the first
 * frame of an animation and applying the EXIF orientation as browsers do, so a photo looks
 * the same in the studio and in the CLI. Greyscale stays 1 channel, alpha stays as RGBA.
 * Every error is an `Error` whose message starts with `name`.
 */
export async function decodeImageFile(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  if (looksLikePnm(bytes) || /\.(pgm|ppm|pnm)$/i.test(name)) return decodePnm(bytes, name);
  if (startsWith(bytes, 0x42, 0x4d)) return decodeBmp(bytes, name);
  // Loaded when an image needs it: hosts that never read an image file (the bench bundle of
  // the device kit, synthetic data) then need no libvips.
  const { default: sharp } = await import('sharp');
  try {
    // failOn 'error' still rejects truncated files but accepts the harmless warnings (stray bytes
    // after a JPEG marker) that many real datasets carry and other tools load without complaint.
    const image = sharp(bytes, { failOn: 'error', autoOrient: true, pages: 1 });
    const meta = await image.metadata();
    if (meta.channels === 1) image.toColourspace('b-w');
    const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`decoded to ${channels} channels`);
    return { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    throw new Error(`${name}: ${plainReason(e instanceof Error ? e.message : String(e))}`, { cause: e });
  }
}
