import type { DecodedImage } from './sampleSource.ts';

/**
 * Decodes Netpbm greymaps and pixmaps: PGM (P2 ASCII, P5 binary) and PPM (P3, P6).
 * Classic face sets (AT&T/ORL, Yale) ship as PGM, which neither browsers nor most image
 * libraries decode, so the core reads them itself. Samples wider than 8 bits
 * (maxval > 255) are scaled to 8 bits, as everything downstream is 8 bits per channel.
 */
export function decodePnm(bytes: Uint8Array, name: string): DecodedImage {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (bytes.length < 2 || bytes[0] !== 0x50 /* P */) fail('not a PGM/PPM file (it does not start with "P2", "P3", "P5" or "P6")');
  const kind = String.fromCharCode(bytes[1]);
  if (!'2356'.includes(kind)) {
    fail(`unsupported Netpbm type "P${kind}" (supported: P2 and P5 greymaps, P3 and P6 pixmaps)`);
  }
  const channels: 1 | 3 = kind === '2' || kind === '5' ? 1 : 3;
  const binary = kind === '5' || kind === '6';

  const reader = new TokenReader(bytes, 2, fail);
  const width = reader.headerInt('width');
  const height = reader.headerInt('height');
  const maxval = reader.headerInt('maxval');
  if (width <= 0 || height <= 0) fail(`image size must be positive, got ${width}x${height}`);
  if (maxval <= 0 || maxval > 65535) fail(`maxval must be in 1..65535, got ${maxval}`);

  const count = width * height * channels;
  // Checked before allocating, so a corrupt header cannot ask for gigabytes.
  const left = bytes.length - reader.position;
  if (binary && left - 1 < count * (maxval < 256 ? 1 : 2)) {
    fail(`truncated pixel data: expected ${count * (maxval < 256 ? 1 : 2)} bytes, got ${Math.max(0, left - 1)}`);
  }
  if (!binary && left < 2 * count - 1) {
    fail(`truncated pixel data: expected ${count} values, but only ${left} bytes are left`);
  }
  const data = new Uint8Array(count);
  // Rounded rescale to 0..255, precomputed: a 16-bit image would otherwise pay a division per sample.
  const scale = maxval === 255 ? null : buildScale(maxval);

  if (binary) {
    // Exactly one whitespace byte separates maxval from the raster; the reader stopped on it.
    if (!isSpace(bytes[reader.position])) fail('expected one whitespace byte between maxval and the pixel data');
    const start = reader.position + 1;
    const bytesPerSample = maxval < 256 ? 1 : 2;
    if (bytesPerSample === 1) {
      for (let i = 0; i < count; i++) {
        const v = bytes[start + i];
        if (v > maxval) fail(`pixel value ${v} exceeds maxval ${maxval} at sample ${i}`);
        data[i] = scale ? scale[v] : v;
      }
    } else {
      for (let i = 0; i < count; i++) {
        const v = (bytes[start + 2 * i] << 8) | bytes[start + 2 * i + 1];
        if (v > maxval) fail(`pixel value ${v} exceeds maxval ${maxval} at sample ${i}`);
        data[i] = (scale as Uint8Array)[v];
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const v = reader.rasterInt();
      if (v === null) fail(`truncated pixel data: expected ${count} values, got ${i}`);
      if ((v as number) > maxval) fail(`pixel value ${v} exceeds maxval ${maxval} at sample ${i}`);
      data[i] = scale ? scale[v as number] : (v as number);
    }
  }
  return { width, height, channels, data };
}

function buildScale(maxval: number): Uint8Array {
  const table = new Uint8Array(maxval + 1);
  for (let v = 0; v <= maxval; v++) table[v] = Math.round((v * 255) / maxval);
  return table;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** Reads whitespace-separated decimal integers, skipping `#` comments to the end of the line. */
class TokenReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position: number,
    private readonly fail: (what: string) => never,
  ) {}

  private skipSpaceAndComments(): void {
    const b = this.bytes;
    while (this.position < b.length) {
      const c = b[this.position];
      if (isSpace(c)) this.position++;
      else if (c === 0x23 /* # */) {
        while (this.position < b.length && b[this.position] !== 0x0a && b[this.position] !== 0x0d) this.position++;
      } else break;
    }
  }

  /** The next integer, or null at the end of the data; throws on anything that is not a digit. */
  private int(what: string): number | null {
    this.skipSpaceAndComments();
    const b = this.bytes;
    if (this.position >= b.length) return null;
    if (!isDigit(b[this.position])) {
      this.fail(`expected a number for ${what}, found "${String.fromCharCode(b[this.position])}" at byte ${this.position}`);
    }
    let v = 0;
    while (this.position < b.length && isDigit(b[this.position])) {
      v = v * 10 + (b[this.position] - 0x30);
      this.position++;
    }
    return v;
  }

  headerInt(what: string): number {
    const v = this.int(what);
    if (v === null) this.fail(`header ends before ${what}`);
    if (this.position < this.bytes.length && !isSpace(this.bytes[this.position]) && this.bytes[this.position] !== 0x23) {
      this.fail(`expected whitespace after ${what} at byte ${this.position}`);
    }
    return v as number;
  }

  rasterInt(): number | null {
    return this.int('a pixel value');
  }
}
