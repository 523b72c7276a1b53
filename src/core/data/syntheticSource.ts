import type { RunSpec } from '../spec/runSpec.ts';
import { Rng } from '../util/rng.ts';
import { MemorySource, type MemorySample } from './memorySource.ts';
import { hsv, PixelCanvas, place, type Rgb } from './pixelCanvas.ts';
import type { Box, DecodedImage, SampleRef } from './sampleSource.ts';
import { shapeForClass } from './shapeLibrary.ts';
import { drawFace, drawFaceBackground, drawFacePose, drawFaceTraits, expressionAt, EXPRESSIONS } from './syntheticFace.ts';

export const SYNTHETIC_GENERATORS = ['shapes', 'faces', 'boxes', 'faceBoxes', 'expressions'] as const;
export type SyntheticGenerator = (typeof SYNTHETIC_GENERATORS)[number];

/** Generators whose images come with a box (labels 'json'): the tracker's data. */
export function generatorDrawsBoxes(generator: SyntheticGenerator): boolean {
  return generator === 'boxes' || generator === 'faceBoxes';
}

/** The classes of the 'faceBoxes' generator: a face, or a face-sized object that is not one. */
const FACE_BOX_CLASSES = ['face', 'object'] as const;

/** The most classes each generator can draw apart (shapes and faces: any number). */
export const GENERATOR_MAX_CLASSES: Partial<Record<SyntheticGenerator, number>> = { faceBoxes: FACE_BOX_CLASSES.length, expressions: EXPRESSIONS.length };

export interface SyntheticOptions {
  generator: SyntheticGenerator;
  classes: number;
  perClass: number;
  imageSize: number;
  seed: number;
}

export interface SyntheticSample {
  image: DecodedImage;
  /** Only for 'boxes' and 'faceBoxes': tight around every pixel the object touched. */
  bbox?: Box;
}

const GENERATOR_SALT: Record<SyntheticGenerator, number> = { shapes: 0x5a4e, faces: 0xface, boxes: 0xb0c5, faceBoxes: 0xfb0c, expressions: 0xe4e5 };

/** A well-spread 32-bit seed from several integers, so each sample has its own stream. */
function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    for (const word of [part >>> 0, Math.floor(part / 2 ** 32) >>> 0]) {
      h = Math.imul(h ^ word, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/**
 * Class names: shape names for 'shapes' and 'boxes', `id_00`, `id_01`, … for 'faces',
 * face / object for 'faceBoxes', FER's expression names for 'expressions'.
 */
export function syntheticClassNames(generator: SyntheticGenerator, classes: number): string[] {
  if (generator === 'faceBoxes') return FACE_BOX_CLASSES.slice(0, classes);
  if (generator === 'expressions') return EXPRESSIONS.slice(0, classes).map((e) => e.name);
  if (generator === 'faces') {
    const digits = Math.max(2, String(classes - 1).length);
    return Array.from({ length: classes }, (_, k) => `id_${String(k).padStart(digits, '0')}`);
  }
  return Array.from({ length: classes }, (_, k) => shapeForClass(k).name);
}

/** Each class owns a hue; spacing them by the golden ratio keeps neighbours apart for any count. */
function classColour(rng: Rng, classIndex: number): Rgb {
  const hue = classIndex * 0.618034 + rng.uniform(-0.03, 0.03);
  return hsv(hue, rng.uniform(0.65, 1), rng.uniform(0.75, 1));
}

function drawShapes(classIndex: number, size: number, rng: Rng): SyntheticSample {
  const canvas = new PixelCanvas(size, size);
  const hue = rng.next();
  canvas.gradient(hsv(hue, rng.uniform(0, 0.3), rng.uniform(0.1, 0.45)), hsv(hue + 0.15, rng.uniform(0, 0.3), rng.uniform(0.1, 0.45)));
  const r = size * rng.uniform(0.22, 0.4);
  const cx = rng.uniform(r, size - r);
  const cy = rng.uniform(r, size - r);
  const { region, bounds } = place(shapeForClass(classIndex).shape.inside, cx, cy, r, rng.uniform(-0.26, 0.26));
  canvas.paint(bounds, region, classColour(rng, classIndex));
  canvas.addNoise(rng, 10);
  return { image: canvas.toImage() };
}

/** A bbox from the mask of touched pixels, normalized, with x2/y2 at the far pixel edge. */
function maskBox(mask: Uint8Array, size: number): Box {
  let x1 = size;
  let y1 = size;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x);
      y2 = Math.max(y2, y);
    }
  }
  return [x1 / size, y1 / size, (x2 + 1) / size, (y2 + 1) / size];
}

/** A two-tone background with small muted clutter: something to ignore, never a second object. */
function drawClutteredBackground(size: number, rng: Rng): PixelCanvas {
  const canvas = new PixelCanvas(size, size);
  const hue = rng.next();
  canvas.gradient(hsv(hue, rng.uniform(0, 0.4), rng.uniform(0.2, 0.7)), hsv(hue + 0.3, rng.uniform(0, 0.4), rng.uniform(0.2, 0.7)));
  const clutter = 6 + rng.int(8);
  for (let i = 0; i < clutter; i++) {
    const w = size * rng.uniform(0.03, 0.1);
    const h = size * rng.uniform(0.03, 0.1);
    const cx = rng.uniform(0, size);
    const cy = rng.uniform(0, size);
    const round = rng.next() < 0.5;
    const colour = hsv(rng.next(), rng.uniform(0, 0.45), rng.uniform(0.15, 0.85));
    const inside = round
      ? (x: number, y: number) => ((x - cx) / w) ** 2 + ((y - cy) / h) ** 2 <= 1
      : (x: number, y: number) => Math.abs(x - cx) <= w && Math.abs(y - cy) <= h;
    canvas.paint([cx - w, cy - h, cx + w, cy + h], inside, colour);
  }
  return canvas;
}

function drawBoxes(classIndex: number, size: number, rng: Rng, omitObject: boolean): SyntheticSample {
  const canvas = drawClutteredBackground(size, rng);
  const r = size * rng.uniform(0.14, 0.3);
  const cx = rng.uniform(r, size - r);
  const cy = rng.uniform(r, size - r);
  const { region, bounds } = place(shapeForClass(classIndex).shape.inside, cx, cy, r, rng.uniform(-0.26, 0.26), rng.uniform(0.8, 1.25));
  const colour = classColour(rng, classIndex);
  const mask = new Uint8Array(size * size);
  // Without the object the mask (and so the bbox) still comes out the same, from a scratch canvas.
  (omitObject ? new PixelCanvas(size, size) : canvas).paint(bounds, region, colour, mask);
  canvas.addNoise(rng, 8);
  return { image: canvas.toImage(), bbox: maskBox(mask, size) };
}

function drawFaces(classIndex: number, size: number, rng: Rng, seed: number): SyntheticSample {
  const traits = drawFaceTraits(new Rng(mixSeed(seed, GENERATOR_SALT.faces, 0x1d, classIndex)));
  const canvas = new PixelCanvas(size, size);
  drawFaceBackground(canvas, rng);
  drawFace(canvas, traits, drawFacePose(rng));
  canvas.scale(rng.uniform(0.85, 1.15));
  canvas.addNoise(rng, 6);
  return { image: canvas.toImage() };
}

/**
 * The tracker's picture (seed 001): one face of a new person, anywhere and at any size from
 * a quarter to three quarters of the picture, or (class 'object') a face-sized shape of any
 * colour, on the cluttered background; the box is tight around what was drawn.
 */
function drawFaceBoxes(classIndex: number, size: number, rng: Rng, omitObject: boolean): SyntheticSample {
  const canvas = drawClutteredBackground(size, rng);
  const target = omitObject ? new PixelCanvas(size, size) : canvas;
  const mask = new Uint8Array(size * size);
  const traits = drawFaceTraits(rng);
  const scale = rng.uniform(0.7, 2);
  // drawFace's head (hair included) spans about 1.4 face radii of 0.36 · scale around its centre.
  const reach = Math.min(0.5, 0.36 * (scale / 2.2) * 1.45);
  const pose = { ...drawFacePose(rng), scale: scale / 2.2, dx: rng.uniform(-(0.5 - reach), 0.5 - reach), dy: rng.uniform(-(0.5 - reach), 0.5 - reach - 0.04) };
  if (classIndex === 0) {
    drawFace(target, traits, pose, mask);
  } else {
    const r = size * 0.36 * pose.scale * 1.1;
    const { region, bounds } = place(shapeForClass(rng.int(7)).shape.inside, size / 2 + pose.dx * size, size / 2 + pose.dy * size, r, pose.angle, rng.uniform(1, 1.3));
    target.paint(bounds, region, hsv(rng.next(), rng.uniform(0.3, 0.9), rng.uniform(0.4, 1)), mask);
  }
  canvas.scale(rng.uniform(0.85, 1.15));
  canvas.addNoise(rng, 6);
  return { image: canvas.toImage(), bbox: maskBox(mask, size) };
}

/**
 * The expression model's picture (seed 004): a new person each photo, wearing the class's
 * expression at an intensity of 70–115 %, over the faces' varied backgrounds and lighting.
 * The person's resting mouth curve is kept small so that it never reads as a smile.
 */
function drawExpression(classIndex: number, size: number, rng: Rng): SyntheticSample {
  const traits = { ...drawFaceTraits(rng), mouthCurve: rng.uniform(-0.08, 0.08) };
  const canvas = new PixelCanvas(size, size);
  drawFaceBackground(canvas, rng);
  drawFace(canvas, traits, { ...drawFacePose(rng), expression: expressionAt(EXPRESSIONS[classIndex].at, rng.uniform(0.7, 1.15)) });
  canvas.scale(rng.uniform(0.85, 1.15));
  canvas.addNoise(rng, 6);
  return { image: canvas.toImage() };
}

function checkOptions(o: SyntheticOptions): void {
  const positiveInt = (name: keyof SyntheticOptions) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`synthetic data: ${name} must be a positive integer, got ${v}`);
  };
  if (!(o.generator in GENERATOR_SALT)) throw new Error(`synthetic data: unknown generator "${o.generator}" (${Object.keys(GENERATOR_SALT).join(', ')})`);
  positiveInt('classes');
  const most = GENERATOR_MAX_CLASSES[o.generator];
  if (most !== undefined && o.classes > most) {
    throw new Error(`synthetic data: the '${o.generator}' generator draws at most ${most} classes (${syntheticClassNames(o.generator, most).join(', ')}), got ${o.classes}`);
  }
  positiveInt('perClass');
  positiveInt('imageSize');
  if (o.imageSize < 8) throw new Error(`synthetic data: imageSize must be at least 8, got ${o.imageSize}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`synthetic data: seed must be a non-negative integer, got ${o.seed}`);
}

/**
 * One generated sample. Each sample draws from its own seeded stream, so it does not depend
 * on how many others are generated. `omitObject` ('boxes', 'faceBoxes') renders the same picture
 * without the object, which lets a test find the object's pixels by difference.
 */
export function syntheticSample(
  options: SyntheticOptions,
  classIndex: number,
  sampleIndex: number,
  extra: { omitObject?: boolean } = {},
): SyntheticSample {
  checkOptions(options);
  const { generator, imageSize, seed } = options;
  const rng = new Rng(mixSeed(seed, GENERATOR_SALT[generator], classIndex, sampleIndex));
  if (generator === 'shapes') return drawShapes(classIndex, imageSize, rng);
  if (generator === 'boxes') return drawBoxes(classIndex, imageSize, rng, extra.omitObject ?? false);
  if (generator === 'faceBoxes') return drawFaceBoxes(classIndex, imageSize, rng, extra.omitObject ?? false);
  if (generator === 'expressions') return drawExpression(classIndex, imageSize, rng);
  return drawFaces(classIndex, imageSize, rng, seed);
}

/**
 * A deterministic generated dataset, so tests, the CLI examples and a classroom with no files
 * can train at once: the same options give byte-identical images. Ids are `<class>/<nnnn>`.
 * - 'shapes': one coloured shape per image, one shape (and hue) per class.
 * - 'boxes': one shape on a cluttered background, with its tight normalized bbox.
 * - 'faces': face-like images, one identity per class, varied in pose, lighting and noise.
 * - 'faceBoxes': a face (or a face-sized object) anywhere on a cluttered background, boxed.
 * - 'expressions': faces of many people, one facial expression per class.
 */
export function syntheticSource(options: SyntheticOptions): MemorySource {
  const { generator, classes, perClass, imageSize, seed } = options;
  const samples = [...syntheticSamples(options)];
  const description = `synthetic '${generator}' (${classes} classes × ${perClass}, ${imageSize}px, seed ${seed})`;
  return new MemorySource(samples, description);
}

/**
 * syntheticSource's samples one at a time, in its order: a host that stores them (the
 * studio's demo datasets) can hand the page back between pictures instead of drawing
 * hundreds of faces in one go.
 */
export function* syntheticSamples(options: SyntheticOptions): Generator<MemorySample> {
  checkOptions(options);
  const { generator, classes, perClass } = options;
  const names = syntheticClassNames(generator, classes);
  const digits = Math.max(4, String(perClass - 1).length);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const { image, bbox } = syntheticSample(options, k, i);
      const id = `${names[k]}/${String(i).padStart(digits, '0')}`;
      const ref: SampleRef = { id, className: names[k] };
      if (bbox) ref.bbox = bbox;
      if (generator === 'faces') ref.identity = names[k];
      yield { ref, image };
    }
  }
}

/**
 * The generated data a spec names (data.source kind "synthetic"), drawn at the spec's image
 * size with its training seed, so every host generates the very same images for a spec.
 */
export function syntheticSourceForSpec(spec: RunSpec, source: Extract<RunSpec['data']['source'], { kind: 'synthetic' }>): MemorySource {
  return syntheticSource({
    generator: source.generator,
    classes: source.classes,
    perClass: source.perClass,
    imageSize: spec.data.imageSize,
    seed: spec.training.seed,
  });
}
