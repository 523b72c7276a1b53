import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from './decodeImage.ts';

const W = 5;
const H = 4;
/** A deterministic test pattern with distinct values everywhere, so any reordering shows. */
function pattern(channels: number): Uint8Array {
  return Uint8Array.from({ length: W * H * channels }, (_, i) => (i * 37 + 11) % 256);
}

const encode = (data: Uint8Array, channels: 1 | 2 | 3 | 4) => sharp(data, { raw: { width: W, height: H, channels } });

/** Little-endian BMP bytes from a header spec and pixel rows, written out field by field. */
function bmp(fields: { width: number; height: number; bpp: number; compression?: number; headerSize?: number }, extra: number[], pixels: number[]): Uint8Array {
  const headerSize = fields.headerSize ?? 40;
  const offset = 14 + headerSize + extra.length;
  const out = new Uint8Array(offset + pixels.length);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, headerSize, true);
  v.setInt32(18, fields.width, true);
  v.setInt32(22, fields.height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, fields.bpp, true);
  v.setUint32(30, fields.compression ?? 0, true);
  out.set(extra, 14 + headerSize);
  out.set(pixels, offset);
  return out;
}

describe('decodeImageFile', () => {
  it('decodes PNG losslessly, keeping 1, 3 and 4 channels', async () => {
    for (const channels of [1, 3, 4] as const) {
      let pipeline = encode(pattern(channels), channels);
      if (channels === 1) pipeline = pipeline.toColourspace('b-w');
      const png = await pipeline.png().toBuffer();
      const image = await decodeImageFile(png, 'a.png');
      expect([image.width, image.height, image.channels]).toEqual([W, H, channels]);
      expect(Array.from(image.data)).toEqual(Array.from(pattern(channels)));
      expect(image.data).toBeInstanceOf(Uint8Array);
    }
  });

  it('decodes JPEG, WebP, GIF and TIFF through sharp', async () => {
    const flat = new Uint8Array(W * H * 3).fill(0).map((_, i) => [200, 100, 50][i % 3]);
    for (const [name, bytes] of [
      ['x.jpg', await encode(flat, 3).jpeg({ quality: 100 }).toBuffer()],
      ['x.webp', await encode(flat, 3).webp({ lossless: true }).toBuffer()],
      ['x.gif', await encode(flat, 3).gif().toBuffer()],
      ['x.tif', await encode(flat, 3).tiff().toBuffer()],
    ] as const) {
      const image = await decodeImageFile(bytes, name);
      expect([image.width, image.height], name).toEqual([W, H]);
      const rgb = [image.data[0], image.data[1], image.data[2]];
      rgb.forEach((v, c) => expect(Math.abs(v - [200, 100, 50][c]), name).toBeLessThanOrEqual(4));
    }
  });

  it('decodes PGM and PPM (binary and ASCII), by content or by extension', async () => {
    const p5 = new Uint8Array([...new TextEncoder().encode('P5\n3 2\n255\n'), 0, 50, 100, 150, 200, 250]);
    expect(await decodeImageFile(p5, 'face.pgm')).toEqual({ width: 3, height: 2, channels: 1, data: new Uint8Array([0, 50, 100, 150, 200, 250]) });
    const p2 = new TextEncoder().encode('P2\n# comment\n2 1\n15\n0 15\n');
    expect(Array.from((await decodeImageFile(p2, 'no-extension')).data)).toEqual([0, 255]);
    const p6 = new Uint8Array([...new TextEncoder().encode('P6 1 1 255\n'), 10, 20, 30]);
    expect(await decodeImageFile(p6, 'x.ppm')).toEqual({ width: 1, height: 1, channels: 3, data: new Uint8Array([10, 20, 30]) });
  });

  it('decodes 24-bit bottom-up BMP with padded rows', async () => {
    // 2×2: bottom row stored first; each row 6 bytes BGR + 2 bytes padding to 4-byte alignment.
    const bytes = bmp({ width: 2, height: 2, bpp: 24 }, [], [0, 0, 255, 0, 255, 0, 0, 0, /**/ 255, 0, 0, 255, 255, 255, 0, 0]);
    const image = await decodeImageFile(bytes, 'x.bmp');
    expect(image).toEqual({ width: 2, height: 2, channels: 3, data: new Uint8Array([0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0]) });
  });

  it('decodes 8-bit palette BMP (grey → 1 channel, colour → 3) and 4-bit top-down', async () => {
    const greyPalette = Array.from({ length: 256 }, (_, i) => [i, i, i, 0]).flat();
    const grey = bmp({ width: 3, height: 1, bpp: 8 }, greyPalette, [7, 8, 9, 0]);
    expect(await decodeImageFile(grey, 'g.bmp')).toEqual({ width: 3, height: 1, channels: 1, data: new Uint8Array([7, 8, 9]) });
    const colourPalette = [0, 0, 255, 0, 0, 255, 0, 0, ...new Array(14 * 4).fill(0)];
    // 4 bits per pixel, high nibble first; height −2 means rows are stored top first.
    const four = bmp({ width: 3, height: -2, bpp: 4 }, colourPalette, [0x01, 0x00, 0, 0, 0x11, 0x10, 0, 0]);
    const image = await decodeImageFile(four, 'c.bmp');
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 255, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0]);
  });

  it('decodes 32-bit BI_BITFIELDS BMP with an alpha mask as RGBA', async () => {
    // BITMAPV4-sized header (108 bytes): the masks live inside it at offsets 54..69.
    const bytes = bmp({ width: 1, height: 1, bpp: 32, compression: 3, headerSize: 108 }, [], [0x30, 0x20, 0x10, 0x80]);
    const v = new DataView(bytes.buffer);
    [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000].forEach((m, i) => v.setUint32(54 + 4 * i, m, true));
    expect(await decodeImageFile(bytes, 'a.bmp')).toEqual({ width: 1, height: 1, channels: 4, data: new Uint8Array([0x10, 0x20, 0x30, 0x80]) });
  });

  it('throws an Error naming the file with a plain reason for broken input', async () => {
    const png = await encode(pattern(3), 3).png().toBuffer();
    await expect(decodeImageFile(new Uint8Array(0), 'data/empty.png')).rejects.toThrow(/^data\/empty\.png: the file is empty$/);
    await expect(decodeImageFile(new TextEncoder().encode('hello, not a picture'), 'data/notes.png')).rejects.toThrow(
      /^data\/notes\.png: not an image/,
    );
    await expect(decodeImageFile(png.subarray(0, png.length - 30), 'data/cut.png')).rejects.toThrow(/^data\/cut\.png: corrupt or truncated image/);
    await expect(decodeImageFile(new TextEncoder().encode('P5\n3 2\n255\n\x01'), 'data/cut.pgm')).rejects.toThrow(/^data\/cut\.pgm: truncated/);
    await expect(decodeImageFile(bmp({ width: 1, height: 1, bpp: 8, compression: 1 }, [], [0, 0]), 'x.bmp')).rejects.toThrow(
      /^x\.bmp: compressed BMP/,
    );
    await expect(decodeImageFile(bmp({ width: 4, height: 4, bpp: 24 }, [], [1, 2, 3]), 'short.bmp')).rejects.toThrow(/^short\.bmp: truncated pixel data/);
  });
});
