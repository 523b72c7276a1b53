import type { DecodedImage } from './sampleSource.ts';
import type { Rng } from '../util/rng.ts';

/** An RGB colour, each channel in [0, 255]. */
export type Rgb = [number, number, number];

/** A region as [x0, y0, x1, y1] in pixel coordinates (x1, y1 exclusive). */
export type PixelBounds = [number, number, number, number];

/** `inside(x, y)` at continuous pixel coordinates: pixel (i, j) covers [i, i+1) × [j, j+1). */
export type Region = (x: number, y: number) => boolean;

/** Hue in turns (any real, wrapped), saturation and value in [0, 1]. */
export function hsv(h: number, s: number, v: number): Rgb {
  const hue = ((h % 1) + 1) % 1;
  const i = Math.floor(hue * 6);
  const f = hue * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const rgb: [number, number, number][] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ];
  const [r, g, b] = rgb[i % 6];
  return [r * 255, g * 255, b * 255];
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** 2×2 supersampling: enough to keep small shapes from turning into jagged pixel soup. */
const SUB = [0.25, 0.75];

/**
 * A tiny RGB raster for generated data. It works in floats so that blending, brightness and
 * noise accumulate without rounding, and only quantizes to bytes at the end; no canvas API,
 * so it runs the same in a worker, in Node and in tests.
 */
export class PixelCanvas {
  readonly data: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Float32Array(width * height * 3);
  }

  /** A vertical gradient from `top` to `bottom`; a flat fill when they are equal. */
  gradient(top: Rgb, bottom: Rgb): void {
    for (let y = 0; y < this.height; y++) {
      const c = mix(top, bottom, this.height > 1 ? y / (this.height - 1) : 0);
      for (let x = 0; x < this.width; x++) this.data.set(c, (y * this.width + x) * 3);
    }
  }

  /**
   * Blends `colour` over the pixels `inside` covers, weighted by coverage, looking only within
   * `bounds`. When `mask` is given, every pixel the paint touched at all is set to 1 in it.
   */
  paint(bounds: PixelBounds, inside: Region, colour: Rgb, mask?: Uint8Array): void {
    const x0 = Math.max(0, Math.floor(bounds[0]));
    const y0 = Math.max(0, Math.floor(bounds[1]));
    const x1 = Math.min(this.width, Math.ceil(bounds[2]));
    const y1 = Math.min(this.height, Math.ceil(bounds[3]));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        let hits = 0;
        for (const dy of SUB) for (const dx of SUB) if (inside(x + dx, y + dy)) hits++;
        if (hits === 0) continue;
        const a = hits / (SUB.length * SUB.length);
        const o = (y * this.width + x) * 3;
        for (let c = 0; c < 3; c++) this.data[o + c] += (colour[c] - this.data[o + c]) * a;
        if (mask) mask[y * this.width + x] = 1;
      }
    }
  }

  /** Multiplies every channel by `factor` (lighting changes between photos). */
  scale(factor: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] *= factor;
  }

  /** Adds independent Gaussian noise with standard deviation `sigma` to every channel value. */
  addNoise(rng: Rng, sigma: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] += sigma * rng.normal();
  }

  toImage(): DecodedImage {
    const bytes = new Uint8Array(this.data.length);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(this.data[i])));
    return { width: this.width, height: this.height, channels: 3, data: bytes };
  }
}

/**
 * Places a shape drawn in unit coordinates (the shape fills [-1, 1]²) at centre (cx, cy) with
 * radius `r` and rotation `angle` (radians), returning the pixel-space region and its bounds.
 * `aspect` stretches the shape vertically (ry = r · aspect).
 */
export function place(
  shape: (u: number, v: number) => boolean,
  cx: number,
  cy: number,
  r: number,
  angle = 0,
  aspect = 1,
): { region: Region; bounds: PixelBounds } {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ry = r * aspect;
  const region: Region = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    return shape((dx * cos + dy * sin) / r, (-dx * sin + dy * cos) / ry);
  };
  const reach = Math.SQRT2 * Math.max(r, ry);
  return { region, bounds: [cx - reach, cy - reach, cx + reach, cy + reach] };
}
