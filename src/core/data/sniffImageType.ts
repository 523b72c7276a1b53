/** MIME type the studio records for Netpbm greymaps and pixmaps (PGM/PPM), which browsers cannot decode. */
export const PNM_TYPE = 'image/x-portable-anymap';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
/** BITMAPCOREHEADER, BITMAPINFOHEADER and its V2..V5 successors: "BM" alone is too common a start for text. */
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

/**
 * The image format of encoded bytes, from their magic numbers rather than the file name
 * (a text file renamed .png is not an image): image/png, image/jpeg, image/gif,
 * image/webp, image/bmp, PNM_TYPE for PGM/PPM (P2, P3, P5, P6), or undefined.
 */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 18) {
    const dibSize = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
    if (BMP_HEADER_SIZES.has(dibSize)) return 'image/bmp';
  }
  if (bytes.length >= 3 && bytes[0] === 0x50 && '2356'.includes(String.fromCharCode(bytes[1])) && isSpace(bytes[2])) return PNM_TYPE;
  return undefined;
}
