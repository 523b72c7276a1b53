import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PNM_TYPE, sniffImageType } from './sniffImageType.ts';

const pixel = () => sharp({ create: { width: 2, height: 2, channels: 3, background: '#336699' } });
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffImageType', () => {
  // Files written by an independent encoder (libvips through sharp), not hand-made headers.
  it.each([
    ['image/png', () => pixel().png().toBuffer()],
    ['image/jpeg', () => pixel().jpeg().toBuffer()],
    ['image/gif', () => pixel().gif().toBuffer()],
    ['image/webp', () => pixel().webp().toBuffer()],
  ])('recognises %s written by sharp', async (type, make) => {
    expect(sniffImageType(new Uint8Array(await make()))).toBe(type);
  });

  it('recognises BMP by its "BM" start and a known DIB header size (40: BITMAPINFOHEADER)', () => {
    const bmp = new Uint8Array(58);
    bmp.set(text('BM'));
    bmp[14] = 40;
    expect(sniffImageType(bmp)).toBe('image/bmp');
    bmp[14] = 41;
    expect(sniffImageType(bmp)).toBeUndefined();
  });

  it('recognises the four Netpbm kinds the core decodes, and no others', () => {
    for (const magic of ['P5\n', 'P6 ', 'P2\n', 'P3\t']) expect(sniffImageType(text(`${magic}2 2\n255\n`))).toBe(PNM_TYPE);
    expect(sniffImageType(text('P4\n2 2\n'))).toBeUndefined();
    expect(sniffImageType(text('Peace and love'))).toBeUndefined();
  });

  it('rejects text, empty and truncated signatures', () => {
    expect(sniffImageType(text('hello, I am a text file named cat.png'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array(0))).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(sniffImageType(text('RIFF\0\0\0\0WAVE'))).toBeUndefined();
  });
});
