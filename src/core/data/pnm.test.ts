import { describe, expect, it } from 'vitest';
import { decodePnm } from './pnm.ts';

const ascii = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('decodePnm', () => {
  it('reads an ASCII greymap (P2) with comments anywhere in the header', () => {
    const img = decodePnm(ascii('P2\n# made by hand\n3 # width\n2\n255\n0 10 20\n30 40 255\n'), 'a.pgm');
    expect(img).toMatchObject({ width: 3, height: 2, channels: 1 });
    expect(Array.from(img.data)).toEqual([0, 10, 20, 30, 40, 255]);
  });

  it('reads a binary greymap (P5) the size of an AT&T/ORL face', () => {
    const pixels = Uint8Array.from({ length: 92 * 112 }, (_, i) => (i * 7) % 256);
    const img = decodePnm(concat(ascii('P5\n92 112\n255\n'), pixels), 'faces/s1/1.pgm');
    expect(img).toMatchObject({ width: 92, height: 112, channels: 1 });
    expect(img.data).toEqual(pixels);
  });

  it('reads ASCII (P3) and binary (P6) pixmaps as interleaved RGB', () => {
    const p3 = decodePnm(ascii('P3 2 1 255 255 0 0  0 0 255'), 'a.ppm');
    expect(p3.channels).toBe(3);
    expect(Array.from(p3.data)).toEqual([255, 0, 0, 0, 0, 255]);
    const p6 = decodePnm(concat(ascii('P6\n# c\n1 2\n255\n'), Uint8Array.from([1, 2, 3, 4, 5, 6])), 'b.ppm');
    expect(p6).toMatchObject({ width: 1, height: 2, channels: 3 });
    expect(Array.from(p6.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('scales maxval other than 255 to 8 bits, including 16-bit big-endian samples', () => {
    expect(Array.from(decodePnm(ascii('P2 4 1 15 0 1 8 15'), 'x.pgm').data)).toEqual([0, 17, 136, 255]);
    const raw = Uint8Array.from([0x00, 0x00, 0x80, 0x00, 0xff, 0xff]);
    const img = decodePnm(concat(ascii('P5 3 1 65535\n'), raw), 'deep.pgm');
    expect(Array.from(img.data)).toEqual([0, Math.round((0x8000 * 255) / 65535), 255]);
  });

  it('names the file and what is wrong', () => {
    const short = concat(ascii('P5\n92 112\n255\n'), new Uint8Array(812));
    expect(() => decodePnm(short, 'faces/s1/1.pgm')).toThrow('faces/s1/1.pgm: truncated pixel data: expected 10304 bytes, got 812');
    expect(() => decodePnm(ascii('P2 2 2 255 1 2 3'), 'a.pgm')).toThrow(/^a\.pgm: truncated pixel data: expected 4 values/);
    expect(() => decodePnm(ascii('\x89PNG....'), 'x.png')).toThrow('x.png: not a PGM/PPM file');
    expect(() => decodePnm(ascii('P4 1 1 '), 'x.pbm')).toThrow('x.pbm: unsupported Netpbm type "P4"');
    expect(() => decodePnm(ascii('P2 2 1 100 5 101'), 'v.pgm')).toThrow('v.pgm: pixel value 101 exceeds maxval 100 at sample 1');
    expect(() => decodePnm(ascii('P2 2 x 255'), 'h.pgm')).toThrow('h.pgm: expected a number for height');
    expect(() => decodePnm(ascii('P2 2 2'), 'h.pgm')).toThrow('h.pgm: header ends before maxval');
    expect(() => decodePnm(ascii('P2 2 2 70000 1'), 'm.pgm')).toThrow('m.pgm: maxval must be in 1..65535, got 70000');
    expect(() => decodePnm(ascii('P2 0 2 255'), 'z.pgm')).toThrow('z.pgm: image size must be positive, got 0x2');
  });
});
