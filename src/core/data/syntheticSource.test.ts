import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { GENERATOR_MAX_CLASSES, SYNTHETIC_GENERATORS, syntheticClassNames, syntheticSample, syntheticSource, type SyntheticOptions } from './syntheticSource.ts';
import type { DecodedImage, SampleSource } from './sampleSource.ts';

async function readAll(source: SampleSource): Promise<DecodedImage[]> {
  const refs = await source.list();
  return Promise.all(refs.map((ref) => source.read(ref)));
}

function meanAbsDiff(a: DecodedImage, b: DecodedImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

const generators = SYNTHETIC_GENERATORS;

describe('syntheticSource', () => {
  for (const generator of generators) {
    it(`'${generator}' is byte-identical for the same seed and different for another`, async () => {
      const options: SyntheticOptions = { generator, classes: Math.min(3, GENERATOR_MAX_CLASSES[generator] ?? 3), perClass: 2, imageSize: 24, seed: 7 };
      const a = await readAll(syntheticSource(options));
      const b = await readAll(syntheticSource(options));
      const c = await readAll(syntheticSource({ ...options, seed: 8 }));
      expect(a.map((img) => Array.from(img.data))).toEqual(b.map((img) => Array.from(img.data)));
      for (let i = 0; i < a.length; i++) expect(meanAbsDiff(a[i], c[i])).toBeGreaterThan(1);
      expect(await syntheticSource(options).list()).toEqual(await syntheticSource(options).list());
    });

    it(`'${generator}' has classes × perClass RGB images of the asked size, ids sorted by class`, async () => {
      const classes = Math.min(4, GENERATOR_MAX_CLASSES[generator] ?? 4);
      const source = syntheticSource({ generator, classes, perClass: 3, imageSize: 20, seed: 1 });
      const refs = await source.list();
      expect(refs).toHaveLength(classes * 3);
      const names = syntheticClassNames(generator, classes);
      expect(new Set(names).size).toBe(classes);
      expect(refs.map((r) => r.className)).toEqual(names.flatMap((n) => [n, n, n]));
      expect(refs[4].id).toBe(`${names[1]}/0001`);
      expect(new Set(refs.map((r) => r.id)).size).toBe(classes * 3);
      const image = await source.read(refs[5]);
      expect([image.width, image.height, image.channels, image.data.length]).toEqual([20, 20, 3, 20 * 20 * 3]);
      expect(source.description).toContain(generator);
    });
  }

  it('draws the same bytes as before the tracker and expression generators were added (old runs keep their data)', async () => {
    // sha-256 prefixes of these sources' refs and pixels, taken at b386e36 (before the change).
    const before = { shapes: '7cf6fe6003a0360e', faces: 'ac0d5a5b73305700', boxes: '9291c4bd45245de9' };
    for (const [generator, digest] of Object.entries(before)) {
      const src = syntheticSource({ generator: generator as 'shapes', classes: 3, perClass: 5, imageSize: 40, seed: 3 });
      const h = createHash('sha256');
      for (const ref of await src.list()) {
        h.update(JSON.stringify(ref));
        h.update((await src.read(ref)).data);
      }
      expect(h.digest('hex').slice(0, 16), generator).toBe(digest);
    }
  });

  it('refuses more classes than a generator can draw apart, naming them', () => {
    expect(() => syntheticSource({ generator: 'faceBoxes', classes: 3, perClass: 1, imageSize: 16, seed: 0 })).toThrow(/at most 2 classes \(face, object\), got 3/);
    expect(() => syntheticSource({ generator: 'expressions', classes: 8, perClass: 1, imageSize: 16, seed: 0 })).toThrow(/at most 7 classes \(neutral, happy, surprise, sad, angry, fear, disgust\)/);
  });

  it('names classes after shapes, and identities id_00…', () => {
    expect(syntheticClassNames('shapes', 3)).toEqual(['circle', 'square', 'triangle']);
    expect(syntheticClassNames('boxes', 14).slice(11)).toEqual(['bar', 'circle_2', 'square_2']);
    expect(syntheticClassNames('faces', 3)).toEqual(['id_00', 'id_01', 'id_02']);
    expect(syntheticClassNames('faces', 101)[100]).toBe('id_100');
    expect(syntheticClassNames('faces', 101)[7]).toBe('id_007');
  });

  it('gives faces an identity and boxes a bbox, and nothing else a bbox', async () => {
    const faces = await syntheticSource({ generator: 'faces', classes: 2, perClass: 1, imageSize: 16, seed: 0 }).list();
    expect(faces.map((r) => r.identity)).toEqual(['id_00', 'id_01']);
    expect(faces.every((r) => r.bbox === undefined)).toBe(true);
    const shapes = await syntheticSource({ generator: 'shapes', classes: 2, perClass: 1, imageSize: 16, seed: 0 }).list();
    expect(shapes.every((r) => r.bbox === undefined && r.identity === undefined)).toBe(true);
    const boxes = await syntheticSource({ generator: 'boxes', classes: 2, perClass: 3, imageSize: 16, seed: 0 }).list();
    for (const { bbox } of boxes) {
      const [x1, y1, x2, y2] = bbox!;
      expect(0 <= x1 && x1 < x2 && x2 <= 1 && 0 <= y1 && y1 < y2 && y2 <= 1).toBe(true);
    }
  });

  it.each([
    ['boxes', 5],
    ['faceBoxes', 2],
  ] as const)("'%s' bbox is tight around the pixels the object changed", (generator, classes) => {
    const size = 48;
    const options: SyntheticOptions = { generator, classes, perClass: 4, imageSize: size, seed: 3 };
    for (let k = 0; k < classes; k++) {
      for (let i = 0; i < 4; i++) {
        const withObject = syntheticSample(options, k, i);
        const without = syntheticSample(options, k, i, { omitObject: true });
        expect(without.bbox).toEqual(withObject.bbox);
        // The object's pixels are exactly where the two renders differ: same stream, same noise.
        let [x1, y1, x2, y2] = [size, size, -1, -1];
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const o = (y * size + x) * 3;
            const changed = [0, 1, 2].some((c) => withObject.image.data[o + c] !== without.image.data[o + c]);
            if (!changed) continue;
            [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
          }
        }
        expect(x2).toBeGreaterThan(x1);
        const [bx1, by1, bx2, by2] = withObject.bbox!.map((v) => v * size);
        expect(x1).toBeGreaterThanOrEqual(bx1);
        expect(y1).toBeGreaterThanOrEqual(by1);
        expect(x2 + 1).toBeLessThanOrEqual(bx2);
        expect(y2 + 1).toBeLessThanOrEqual(by2);
        // Tight: an edge pixel covered only a sliver can blend to the same byte, so allow one pixel.
        expect(x1 - bx1).toBeLessThanOrEqual(1);
        expect(y1 - by1).toBeLessThanOrEqual(1);
        expect(bx2 - (x2 + 1)).toBeLessThanOrEqual(1);
        expect(by2 - (y2 + 1)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('one sample does not depend on how many others are generated', async () => {
    const small = syntheticSource({ generator: 'shapes', classes: 2, perClass: 2, imageSize: 16, seed: 5 });
    const large = syntheticSource({ generator: 'shapes', classes: 3, perClass: 5, imageSize: 16, seed: 5 });
    const ref = { id: 'square/0001', className: 'square' };
    expect(Array.from((await small.read(ref)).data)).toEqual(Array.from((await large.read(ref)).data));
  });

  it("'faces' photos of one identity look more alike than photos of two", () => {
    const options: SyntheticOptions = { generator: 'faces', classes: 6, perClass: 4, imageSize: 32, seed: 11 };
    const images = Array.from({ length: 6 }, (_, k) => Array.from({ length: 4 }, (_, i) => syntheticSample(options, k, i).image));
    // The face centre (skin, eyes, mouth) carries the identity; the background is random per photo.
    const centre = (img: DecodedImage) => {
      const out: number[] = [];
      for (let y = 10; y < 26; y++) for (let x = 10; x < 22; x++) for (let c = 0; c < 3; c++) out.push(img.data[(y * 32 + x) * 3 + c]);
      return out;
    };
    const dist = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
    let same = 0;
    let sameN = 0;
    let other = 0;
    let otherN = 0;
    for (let k = 0; k < 6; k++) {
      for (let i = 0; i < 4; i++) {
        for (let l = 0; l < 6; l++) {
          for (let j = 0; j < 4; j++) {
            if (k === l && i >= j) continue;
            const d = dist(centre(images[k][i]), centre(images[l][j]));
            if (k === l) [same, sameN] = [same + d, sameN + 1];
            else [other, otherN] = [other + d, otherN + 1];
          }
        }
      }
    }
    expect(same / sameN).toBeLessThan(0.75 * (other / otherN));
  });

  it('rejects bad options with the offending value', () => {
    const ok: SyntheticOptions = { generator: 'shapes', classes: 2, perClass: 2, imageSize: 16, seed: 0 };
    expect(() => syntheticSource({ ...ok, classes: 0 })).toThrow(/classes must be a positive integer, got 0/);
    expect(() => syntheticSource({ ...ok, imageSize: 4 })).toThrow(/imageSize must be at least 8, got 4/);
    expect(() => syntheticSource({ ...ok, seed: -1 })).toThrow(/seed must be a non-negative integer, got -1/);
    expect(() => syntheticSource({ ...ok, generator: 'cats' as never })).toThrow(/unknown generator "cats"/);
  });
});
