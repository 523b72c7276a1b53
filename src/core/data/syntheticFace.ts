import type { Rng } from '../util/rng.ts';
import { hsv, mix, type PixelCanvas, type Rgb } from './pixelCanvas.ts';

/**
 * What makes one synthetic identity recognisable across its photos. Face coordinates: the
 * face oval is the unit disc (u right, v down), stretched to the face's width and height.
 */
export interface FaceTraits {
  skin: Rgb;
  /** Face width / height. */
  widthRatio: number;
  hair: Rgb;
  /** Hair covers the face above v = -hairline. */
  hairline: number;
  /** Size of the hair oval behind the face, relative to the face. */
  hairVolume: number;
  eyeSpacing: number;
  eyeY: number;
  eyeSize: number;
  iris: Rgb;
  browThickness: number;
  browTilt: number;
  noseLength: number;
  mouthY: number;
  mouthWidth: number;
  mouthCurve: number;
  lips: Rgb;
  glasses: boolean;
  beard: boolean;
}

/** One photo's deviation from the identity: framing, lighting and expression. */
export interface FacePose {
  dx: number;
  dy: number;
  scale: number;
  angle: number;
  smile: number;
}

const SKIN: Rgb[] = [
  [245, 214, 190],
  [226, 180, 145],
  [194, 140, 100],
  [150, 100, 70],
  [100, 66, 46],
];
const HAIR: Rgb[] = [
  [25, 20, 18],
  [85, 55, 35],
  [150, 105, 60],
  [215, 180, 110],
  [160, 70, 35],
  [170, 170, 175],
];
const IRIS: Rgb[] = [
  [60, 110, 190],
  [70, 140, 80],
  [110, 70, 40],
  [120, 130, 140],
  [170, 120, 40],
];

function pickBlend(rng: Rng, palette: Rgb[]): Rgb {
  const t = rng.uniform(0, palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(t));
  return mix(palette[i], palette[i + 1], t - i);
}

function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  return [c[0] + rng.uniform(-amount, amount), c[1] + rng.uniform(-amount, amount), c[2] + rng.uniform(-amount, amount)];
}

export function drawFaceTraits(rng: Rng): FaceTraits {
  const skin = jitter(rng, pickBlend(rng, SKIN), 12);
  return {
    skin,
    widthRatio: rng.uniform(0.7, 0.92),
    hair: jitter(rng, HAIR[rng.int(HAIR.length)], 15),
    hairline: rng.uniform(0.3, 0.7),
    hairVolume: rng.uniform(1.04, 1.25),
    eyeSpacing: rng.uniform(0.28, 0.5),
    eyeY: rng.uniform(-0.22, 0.02),
    eyeSize: rng.uniform(0.09, 0.16),
    iris: jitter(rng, IRIS[rng.int(IRIS.length)], 15),
    browThickness: rng.uniform(0.03, 0.08),
    browTilt: rng.uniform(-0.12, 0.12),
    noseLength: rng.uniform(0.12, 0.3),
    mouthY: rng.uniform(0.42, 0.62),
    mouthWidth: rng.uniform(0.22, 0.5),
    mouthCurve: rng.uniform(-0.25, 0.4),
    lips: mix(skin, [190, 60, 70], rng.uniform(0.3, 0.7)),
    glasses: rng.next() < 0.25,
    beard: rng.next() < 0.2,
  };
}

export function drawFacePose(rng: Rng): FacePose {
  return {
    dx: rng.uniform(-0.07, 0.07),
    dy: rng.uniform(-0.07, 0.07),
    scale: rng.uniform(0.9, 1.1),
    angle: rng.uniform(-0.1, 0.1),
    smile: rng.uniform(-0.1, 0.1),
  };
}

/** Background colours are per photo, so no identity can be told apart by its backdrop. */
export function drawFaceBackground(canvas: PixelCanvas, rng: Rng): void {
  const hue = rng.next();
  canvas.gradient(hsv(hue, rng.uniform(0, 0.35), rng.uniform(0.3, 0.9)), hsv(hue + 0.1, rng.uniform(0, 0.35), rng.uniform(0.2, 0.8)));
}

/** Paints the face into the canvas, roughly centred and filling about 3/4 of its height. */
export function drawFace(canvas: PixelCanvas, t: FaceTraits, pose: FacePose): void {
  const size = Math.min(canvas.width, canvas.height);
  const ry = size * 0.36 * pose.scale;
  const rx = ry * t.widthRatio;
  const cx = canvas.width / 2 + pose.dx * size;
  const cy = canvas.height / 2 + 0.04 * size + pose.dy * size;
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  const reach = ry * t.hairVolume * 1.2;
  const all: [number, number, number, number] = [cx - reach, cy - reach, cx + reach, cy + reach];
  // Feature tests take face coordinates (u in units of rx, v of ry).
  const paint = (inside: (u: number, v: number) => boolean, colour: Rgb) =>
    canvas.paint(
      all,
      (x, y) => {
        const dx = x - cx;
        const dy = y - cy;
        return inside((dx * cos + dy * sin) / rx, (-dx * sin + dy * cos) / ry);
      },
      colour,
    );
  // Dividing a v offset by k puts it in u's units, so eyes and rims stay round in pixels.
  const k = rx / ry;
  const inFace = (u: number, v: number) => u * u + v * v <= 1;

  paint((u, v) => u * u + (v + 0.12) ** 2 <= t.hairVolume ** 2 && v < 0.2, t.hair);
  paint(inFace, t.skin);
  paint((u, v) => inFace(u, v) && v < -t.hairline + 0.08 * Math.cos(u * 3), t.hair);
  if (t.beard) {
    paint((u, v) => inFace(u, v) && v > t.mouthY - 0.15 - 0.1 * Math.abs(u), mix(t.hair, t.skin, 0.2));
  }
  for (const side of [-1, 1]) {
    const ex = side * t.eyeSpacing;
    const eyeRound = (u: number, v: number, r: number) => (u - ex) ** 2 + ((v - t.eyeY) / k) ** 2 <= r * r;
    paint((u, v) => (u - ex) ** 2 + ((v - t.eyeY) / (k * 0.6)) ** 2 <= t.eyeSize ** 2, [240, 240, 236]);
    paint((u, v) => eyeRound(u, v, t.eyeSize * 0.55), t.iris);
    paint((u, v) => eyeRound(u, v, t.eyeSize * 0.25), [15, 15, 20]);
    const browY = t.eyeY - t.eyeSize * k * 1.6;
    paint((u, v) => {
      const along = (u - ex) * side;
      return Math.abs(along) <= t.eyeSize * 1.3 && Math.abs(v - browY + t.browTilt * along) <= t.browThickness;
    }, t.hair);
    if (t.glasses) {
      paint((u, v) => {
        const d = Math.sqrt((u - ex) ** 2 + ((v - t.eyeY) / k) ** 2);
        return d >= t.eyeSize * 1.55 && d <= t.eyeSize * 1.8;
      }, [30, 30, 35]);
    }
  }
  if (t.glasses) {
    paint((u, v) => Math.abs(u) <= t.eyeSpacing - t.eyeSize * 1.6 && Math.abs(v - t.eyeY) <= 0.02, [30, 30, 35]);
  }
  const noseTop = t.eyeY + 0.1;
  paint((u, v) => v >= noseTop && v <= noseTop + t.noseLength && Math.abs(u) <= 0.03 + 0.08 * ((v - noseTop) / t.noseLength), mix(t.skin, [60, 30, 20], 0.25));
  const curve = t.mouthCurve + pose.smile;
  paint((u, v) => {
    if (Math.abs(u) > t.mouthWidth) return false;
    const mid = t.mouthY - curve * (1 - (u / t.mouthWidth) ** 2) * 0.12;
    return Math.abs(v - mid) <= 0.04 + 0.03 * (1 - (u / t.mouthWidth) ** 2);
  }, t.lips);
}
