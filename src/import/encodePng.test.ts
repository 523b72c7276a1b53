import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../core/data/sampleSource.ts';
import { encodePng } from './encodePng.ts';

function image(width: number, height: number, channels: 1 | 3 | 4, seed: number): DecodedImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101 + ((i * i) >> 3)) & 0xff;
  return { width, height, channels, data };
}

/** Decodes with libvips (sharp), an encoder-independent reader, keeping the PNG's own channel count. */
async function decode(png: Uint8Array): Promise<{ width: number; height: number; channels: number; data: Uint8Array }> {
  const { channels } = await sharp(png).metadata();
  // sharp widens grey to RGB on raw output unless told to keep it grey.
  const pipeline = channels === 1 ? sharp(png).toColourspace('b-w') : sharp(png);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
}

describe('encodePng', () => {
  it.each([1, 3, 4] as const)('round-trips %i-channel pixels exactly through sharp', async (channels) => {
    const original = image(7, 5, channels, channels);
    const decoded = await decode(encodePng(original));
    expect(decoded).toMatchObject({ width: 7, height: 5, channels });
    expect(decoded.data).toEqual(original.data);
  });

  it('writes identical bytes for identical pixels and different bytes for different ones', () => {
    const a = encodePng(image(16, 16, 3, 1));
    expect(encodePng(image(16, 16, 3, 1))).toEqual(a);
    expect(encodePng(image(16, 16, 3, 2))).not.toEqual(a);
  });

  it('ends with the IEND chunk and its CRC, AE 42 60 82, as in every PNG (PNG spec, section 11.2.5)', () => {
    const png = encodePng(image(2, 2, 1, 0));
    expect([...png.subarray(png.length - 12)]).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });

  it('refuses pixel data that does not match the size, saying what it expected', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow('a 2x2x3 image needs 12 bytes of pixels, got 11');
  });
});
