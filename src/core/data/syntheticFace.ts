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
  /** A facial expression beyond the slight smile: only the 'expressions' generator sets it. */
  expression?: FaceExpression;
}

/**
 * How an expression moves the face, in face coordinates, after the facial action units it
 * is known by: brows raised or drawn together, eyes widened or narrowed, the mouth's
 * corners up or down, the mouth opened, one side of the upper lip raised.
 */
export interface FaceExpression {
  /** Added to the mouth's curve: positive lifts the corners (a smile). */
  mouthCurve: number;
  /** Height of the open mouth, in face heights (0: closed). */
  mouthOpen: number;
  /** The mouth's width as a fraction of the identity's. */
  mouthWidth: number;
  /** Lifts one corner of the mouth over the other (disgust's raised upper lip). */
  mouthTilt: number;
  /** How far the brows move up, in face heights. */
  browRaise: number;
  /** Added to the brows' tilt: positive pulls the inner ends down (a frown). */
  browTilt: number;
  /** The eyes' opening as a fraction of the identity's (1: as is). */
  eyeOpen: number;
}

/**
 * The expressions the 'expressions' generator draws, most distinct first, so that a dataset
 * of fewer classes keeps the easiest ones. The seven are FER-2013's categories (seed 004).
 */
export const EXPRESSIONS: readonly { name: string; at: FaceExpression }[] = [
  { name: 'neutral', at: { mouthCurve: 0, mouthOpen: 0, mouthWidth: 1, mouthTilt: 0, browRaise: 0, browTilt: 0, eyeOpen: 1 } },
  { name: 'happy', at: { mouthCurve: 0.75, mouthOpen: 0.05, mouthWidth: 1.2, mouthTilt: 0, browRaise: 0.02, browTilt: 0, eyeOpen: 0.75 } },
  { name: 'surprise', at: { mouthCurve: 0, mouthOpen: 0.22, mouthWidth: 0.55, mouthTilt: 0, browRaise: 0.12, browTilt: 0, eyeOpen: 1.45 } },
  { name: 'sad', at: { mouthCurve: -0.7, mouthOpen: 0, mouthWidth: 0.95, mouthTilt: 0, browRaise: 0.03, browTilt: -0.45, eyeOpen: 0.85 } },
  { name: 'angry', at: { mouthCurve: -0.2, mouthOpen: 0, mouthWidth: 0.75, mouthTilt: 0, browRaise: -0.06, browTilt: 0.55, eyeOpen: 0.8 } },
  { name: 'fear', at: { mouthCurve: -0.15, mouthOpen: 0.1, mouthWidth: 1.15, mouthTilt: 0, browRaise: 0.1, browTilt: -0.35, eyeOpen: 1.35 } },
  { name: 'disgust', at: { mouthCurve: -0.3, mouthOpen: 0.03, mouthWidth: 0.9, mouthTilt: 0.35, browRaise: -0.04, browTilt: 0.25, eyeOpen: 0.7 } },
];

/** `e` scaled by `intensity` away from neutral (1: as listed). */
export function expressionAt(e: FaceExpression, intensity: number): FaceExpression {
  const n = EXPRESSIONS[0].at;
  const lerp = (a: number, b: number) => a + (b - a) * intensity;
  return {
    mouthCurve: lerp(n.mouthCurve, e.mouthCurve),
    mouthOpen: lerp(n.mouthOpen, e.mouthOpen),
    mouthWidth: lerp(n.mouthWidth, e.mouthWidth),
    mouthTilt: lerp(n.mouthTilt, e.mouthTilt),
    browRaise: lerp(n.browRaise, e.browRaise),
    browTilt: lerp(n.browTilt, e.browTilt),
    eyeOpen: lerp(n.eyeOpen, e.eyeOpen),
  };
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

/**
 * Paints the face into the canvas, roughly centred and filling about 3/4 of its height
 * (pose.dx, dy and scale move and size it). When `mask` is given, every pixel the face
 * touched is set to 1 in it (the tracker's box).
 */
export function drawFace(canvas: PixelCanvas, t: FaceTraits, pose: FacePose, mask?: Uint8Array): void {
  const size = Math.min(canvas.width, canvas.height);
  const ry = size * 0.36 * pose.scale;
  const rx = ry * t.widthRatio;
  const cx = canvas.width / 2 + pose.dx * size;
  const cy = canvas.height / 2 + 0.04 * size + pose.dy * size;
  const cos = Math.cos(pose.angle);
  const sin = Math.sin(pose.angle);
  const reach = ry * t.hairVolume * 1.2;
  const all: [number, number, number, number] = [cx - reach, cy - reach, cx + reach, cy + reach];
  /**
   * The pixels a face-coordinate box [u0, v0, u1, v1] can reach, within `all`: a small
   * feature is tested only near itself (the same pixels, far fewer tests at 150 px).
   */
  const near = (u0: number, v0: number, u1: number, v1: number): [number, number, number, number] => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [u, v] of [[u0, v0], [u1, v0], [u0, v1], [u1, v1]]) {
      xs.push(cx + u * rx * cos - v * ry * sin);
      ys.push(cy + u * rx * sin + v * ry * cos);
    }
    return [Math.max(all[0], Math.min(...xs) - 1), Math.max(all[1], Math.min(...ys) - 1), Math.min(all[2], Math.max(...xs) + 1), Math.min(all[3], Math.max(...ys) + 1)];
  };
  // Feature tests take face coordinates (u in units of rx, v of ry).
  const paint = (inside: (u: number, v: number) => boolean, colour: Rgb, bounds = all) =>
    canvas.paint(
      bounds,
      (x, y) => {
        const dx = x - cx;
        const dy = y - cy;
        return inside((dx * cos + dy * sin) / rx, (-dx * sin + dy * cos) / ry);
      },
      colour,
      mask,
    );
  const e = pose.expression;
  // Dividing a v offset by k puts it in u's units, so eyes and rims stay round in pixels.
  const k = rx / ry;
  const inFace = (u: number, v: number) => u * u + v * v <= 1;

  const hv = t.hairVolume;
  paint((u, v) => u * u + (v + 0.12) ** 2 <= hv ** 2 && v < 0.2, t.hair, near(-hv, -0.12 - hv, hv, 0.2));
  const faceArea = near(-1, -1, 1, 1);
  paint(inFace, t.skin, faceArea);
  paint((u, v) => inFace(u, v) && v < -t.hairline + 0.08 * Math.cos(u * 3), t.hair, faceArea);
  if (t.beard) {
    paint((u, v) => inFace(u, v) && v > t.mouthY - 0.15 - 0.1 * Math.abs(u), mix(t.hair, t.skin, 0.2), faceArea);
  }
  for (const side of [-1, 1]) {
    const ex = side * t.eyeSpacing;
    const eyeRound = (u: number, v: number, r: number) => (u - ex) ** 2 + ((v - t.eyeY) / k) ** 2 <= r * r;
    // Every eye part (white, iris, pupil, glasses rim) lies within 1.8 eye sizes of its centre.
    const eyeReach = t.eyeSize * 1.85;
    const eyeArea = near(ex - eyeReach, t.eyeY - eyeReach * k * Math.max(1, e?.eyeOpen ?? 1), ex + eyeReach, t.eyeY + eyeReach * k * Math.max(1, e?.eyeOpen ?? 1));
    if (e) {
      // The lids cut the eye to its opening; the iris shows only within it.
      const open = k * 0.6 * e.eyeOpen;
      const inEye = (u: number, v: number) => (u - ex) ** 2 + ((v - t.eyeY) / open) ** 2 <= t.eyeSize ** 2;
      paint(inEye, [240, 240, 236], eyeArea);
      paint((u, v) => inEye(u, v) && eyeRound(u, v, t.eyeSize * 0.55), t.iris, eyeArea);
      paint((u, v) => inEye(u, v) && eyeRound(u, v, t.eyeSize * 0.25), [15, 15, 20], eyeArea);
    } else {
      paint((u, v) => (u - ex) ** 2 + ((v - t.eyeY) / (k * 0.6)) ** 2 <= t.eyeSize ** 2, [240, 240, 236], eyeArea);
      paint((u, v) => eyeRound(u, v, t.eyeSize * 0.55), t.iris, eyeArea);
      paint((u, v) => eyeRound(u, v, t.eyeSize * 0.25), [15, 15, 20], eyeArea);
    }
    const browY = e ? t.eyeY - t.eyeSize * k * 1.6 * Math.max(1, e.eyeOpen) - e.browRaise : t.eyeY - t.eyeSize * k * 1.6;
    const browTilt = e ? t.browTilt + e.browTilt : t.browTilt;
    paint((u, v) => {
      const along = (u - ex) * side;
      return Math.abs(along) <= t.eyeSize * 1.3 && Math.abs(v - browY + browTilt * along) <= t.browThickness;
    }, t.hair, near(ex - t.eyeSize * 1.3, browY - Math.abs(browTilt) * t.eyeSize * 1.3 - t.browThickness, ex + t.eyeSize * 1.3, browY + Math.abs(browTilt) * t.eyeSize * 1.3 + t.browThickness));
    if (t.glasses) {
      paint((u, v) => {
        const d = Math.sqrt((u - ex) ** 2 + ((v - t.eyeY) / k) ** 2);
        return d >= t.eyeSize * 1.55 && d <= t.eyeSize * 1.8;
      }, [30, 30, 35], eyeArea);
    }
  }
  if (t.glasses) {
    paint((u, v) => Math.abs(u) <= t.eyeSpacing - t.eyeSize * 1.6 && Math.abs(v - t.eyeY) <= 0.02, [30, 30, 35]);
  }
  const noseTop = t.eyeY + 0.1;
  paint((u, v) => v >= noseTop && v <= noseTop + t.noseLength && Math.abs(u) <= 0.03 + 0.08 * ((v - noseTop) / t.noseLength), mix(t.skin, [60, 30, 20], 0.25), near(-0.11, noseTop, 0.11, noseTop + t.noseLength));
  const curve = t.mouthCurve + pose.smile;
  if (!e) {
    paint((u, v) => {
      if (Math.abs(u) > t.mouthWidth) return false;
      const mid = t.mouthY - curve * (1 - (u / t.mouthWidth) ** 2) * 0.12;
      return Math.abs(v - mid) <= 0.04 + 0.03 * (1 - (u / t.mouthWidth) ** 2);
    }, t.lips, near(-t.mouthWidth, t.mouthY - Math.abs(curve) * 0.12 - 0.07, t.mouthWidth, t.mouthY + Math.abs(curve) * 0.12 + 0.07));
    return;
  }
  const width = t.mouthWidth * e.mouthWidth;
  // The identity's curve bows the middle up; the expression's lifts the corners (a smile).
  const bend = curve - e.mouthCurve;
  // The mouth's centre line, one side lifted by the tilt.
  const mid = (u: number) => t.mouthY - bend * (1 - (u / width) ** 2) * 0.12 - e.mouthTilt * (u / width) * 0.06;
  const half = e.mouthOpen / 2;
  const mouthReach = Math.abs(bend) * 0.12 + Math.abs(e.mouthTilt) * 0.06 + half + 0.07;
  const mouthArea = near(-width, t.mouthY - mouthReach, width, t.mouthY + mouthReach);
  paint((u, v) => Math.abs(u) <= width && Math.abs(v - mid(u)) <= half + 0.04 + 0.03 * (1 - (u / width) ** 2), t.lips, mouthArea);
  if (half > 0) {
    paint((u, v) => Math.abs(u) <= width * 0.85 && Math.abs(v - mid(u)) <= half * Math.sqrt(Math.max(0, 1 - (u / (width * 0.85)) ** 2)), [60, 20, 25], mouthArea);
  }
}
