import type { DecodedImage } from '../core/data/sampleSource.ts';

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** Channel extraction for 16/32-bit pixels: which bits hold the channel, scaled to 0..255. */
interface ChannelMask {
  mask: number;
  shift: number;
  max: number;
}

function channelMask(mask: number): ChannelMask | null {
  if (mask === 0) return null;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask: mask >>> 0, shift, max: (mask >>> 0) / 2 ** shift };
}

const take = (px: number, m: ChannelMask) => Math.round(((((px & m.mask) >>> 0) / 2 ** m.shift) * 255) / m.max);

/**
 * Decodes uncompressed Windows bitmaps (1/4/8-bit palette, 16/24/32-bit, BI_BITFIELDS),
 * which libvips, and so sharp, does not read. Greyscale palettes come out as 1 channel, an
 * alpha mask as 4, everything else as RGB. RLE and embedded JPEG/PNG bitmaps are refused.
 */
export function decodeBmp(bytes: Uint8Array, name: string): DecodedImage {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) fail('not a BMP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) fail(`unsupported BMP header size ${headerSize}`);
  if (14 + headerSize > bytes.length) fail('truncated BMP header');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(20, true) : view.getInt32(22, true);
  const bpp = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0 || width * height > 2 ** 28) fail(`unsupported BMP size ${width}x${rawHeight}`);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    fail(`compressed BMP (compression ${compression}) is not supported; save it uncompressed or as PNG`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`unsupported BMP bit depth ${bpp}`);

  let masks: (ChannelMask | null)[] = [];
  if (bpp === 16 || bpp === 32) {
    if (compression === BI_RGB) {
      masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f].map(channelMask) : [0xff0000, 0xff00, 0xff].map(channelMask);
    } else {
      const count = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
      if (54 + 4 * count > bytes.length) fail('truncated BMP colour masks');
      masks = Array.from({ length: count }, (_, i) => channelMask(view.getUint32(54 + 4 * i, true)));
      if (!masks[0] || !masks[1] || !masks[2]) fail('BMP colour masks are missing');
    }
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entrySize = core ? 3 : 4;
    const used = core ? 0 : view.getUint32(46, true);
    const count = used > 0 ? Math.min(used, 1 << bpp) : 1 << bpp;
    const start = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0);
    if (start + count * entrySize > bytes.length) fail('truncated BMP palette');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count; i++) {
      const o = start + i * entrySize;
      palette.set([bytes[o + 2], bytes[o + 1], bytes[o]], i * 3);
    }
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) {
    fail(`truncated pixel data: expected ${stride * height} bytes from offset ${dataOffset}, got ${Math.max(0, bytes.length - dataOffset)}`);
  }
  const alpha = masks[3] ?? null;
  const channels: 1 | 3 | 4 = palette ? (isGrey(palette) ? 1 : 3) : alpha ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const perByte = 8 / bpp;
        const byte = bytes[row + Math.floor(x / perByte)];
        const index = (byte >> ((perByte - 1 - (x % perByte)) * bpp)) & ((1 << bpp) - 1);
        if (channels === 1) data[o] = palette[index * 3];
        else data.set(palette.subarray(index * 3, index * 3 + 3), o);
      } else if (bpp === 24) {
        const p = row + x * 3;
        data[o] = bytes[p + 2];
        data[o + 1] = bytes[p + 1];
        data[o + 2] = bytes[p];
      } else {
        const px = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) data[o + c] = take(px, masks[c] as ChannelMask);
        if (alpha) data[o + 3] = take(px, alpha);
      }
    }
  }
  return { width, height, channels, data };
}

function isGrey(palette: Uint8Array): boolean {
  for (let i = 0; i < palette.length; i += 3) if (palette[i] !== palette[i + 1] || palette[i] !== palette[i + 2]) return false;
  return true;
}
