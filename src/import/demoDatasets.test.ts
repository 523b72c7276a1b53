import 'fake-indexeddb/auto';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticSource } from '../core/data/syntheticSource.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { createDemoDataset, demoDatasetKinds } from './demoDatasets.ts';

const opened: StudioStorage[] = [];
async function freshStorage(): Promise<StudioStorage> {
  const storage = await openStudioStorage(`demo-${crypto.randomUUID()}`);
  opened.push(storage);
  return storage;
}

afterEach(() => {
  for (const s of opened.splice(0)) s.db.close();
});

describe('createDemoDataset', () => {
  it('gives the same version in two fresh databases, and another for another seed', async () => {
    const options = { classes: 2, perClass: 3, imageSize: 24, seed: 5 };
    const a = await createDemoDataset((await freshStorage()).datasets, 'boxes', options);
    const b = await createDemoDataset((await freshStorage()).datasets, 'boxes', options);
    const c = await createDemoDataset((await freshStorage()).datasets, 'boxes', { ...options, seed: 6 });
    expect(a.id).not.toBe(b.id);
    expect(b.version).toBe(a.version);
    expect(c.version).not.toBe(a.version);
  });

  it('stores the default shapes set (undefined options take defaults): three classes of 24, named, described, as the generator drew them', async () => {
    const { datasets } = await freshStorage();
    const dataset = await createDemoDataset(datasets, 'shapes', { seed: undefined });
    expect(dataset).toMatchObject({ name: 'Shapes (demo)', origin: 'demo', sampleCount: 72, boxCount: 0, classCounts: { circle: 24, square: 24, triangle: 24 } });
    expect(dataset.description).toContain('3 classes × 24 images, 32 px, seed 1');
    const samples = await datasets.samples(dataset.id);
    const first = samples[0];
    expect(first).toMatchObject({ name: 'circle/0000.png', className: 'circle', width: 32, height: 32 });
    // The stored PNG decodes (libvips, independent of our encoder) to the generator's pixels.
    const blob = await datasets.getBlob(first.hash);
    const { data } = await sharp(new Uint8Array(blob?.bytes ?? new ArrayBuffer(0))).raw().toBuffer({ resolveWithObject: true });
    const source = syntheticSource({ generator: 'shapes', classes: 3, perClass: 24, imageSize: 32, seed: 1 });
    const drawn = await source.read((await source.list())[0]);
    expect(new Uint8Array(data)).toEqual(new Uint8Array(drawn.data));
    // Small images are their own thumbnails.
    expect(new Uint8Array((await datasets.getThumb(first.hash))?.bytes ?? new ArrayBuffer(0))).toEqual(new Uint8Array(blob?.bytes ?? new ArrayBuffer(1)));
  });

  it("keeps the generator's boxes and identities", async () => {
    const { datasets } = await freshStorage();
    const boxes = await createDemoDataset(datasets, 'boxes', { classes: 2, perClass: 2, imageSize: 32 });
    // Not the kind's defaults: the name spells the settings out, so it never passes for the default demo.
    expect(boxes).toMatchObject({ name: 'Boxes (demo: 2 × 2, 32 px, seed 1)', boxCount: 4, sampleCount: 4 });
    const refs = await syntheticSource({ generator: 'boxes', classes: 2, perClass: 2, imageSize: 32, seed: 1 }).list();
    const stored = await datasets.samples(boxes.id);
    expect(stored.map((s) => [s.name, s.bbox])).toEqual(refs.map((r) => [`${r.id}.png`, r.bbox]));

    const faces = await createDemoDataset(datasets, 'faces', { classes: 3, perClass: 2 });
    expect(faces.classCounts).toEqual({ id_00: 2, id_01: 2, id_02: 2 });
    expect((await datasets.samples(faces.id)).every((s) => s.identity === s.className)).toBe(true);
  });

  it('shrinks the thumbnail of images larger than 96 px', async () => {
    const { datasets } = await freshStorage();
    const dataset = await createDemoDataset(datasets, 'faces', { classes: 2, perClass: 1, imageSize: 112 });
    const [sample] = await datasets.samples(dataset.id);
    const thumb = await datasets.getThumb(sample.hash);
    expect(await sharp(new Uint8Array(thumb?.bytes ?? new ArrayBuffer(0))).metadata()).toMatchObject({ format: 'png', width: 56, height: 56 });
  });

  it('keeps the boxes of faces with boxes, and names expressions as FER does', async () => {
    const { datasets } = await freshStorage();
    const tracker = await createDemoDataset(datasets, 'faceBoxes', { classes: 2, perClass: 2, imageSize: 40 });
    expect(tracker).toMatchObject({ boxCount: 4, classCounts: { face: 2, object: 2 } });
    const expressions = await createDemoDataset(datasets, 'expressions');
    expect(expressions).toMatchObject({ name: 'Expressions (demo)', sampleCount: 84 });
    expect(Object.keys(expressions.classCounts).sort()).toEqual(['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']);
  });

  it('lists every kind with a title, a one-line description and small defaults', () => {
    expect(demoDatasetKinds.map((k) => k.kind)).toEqual(['shapes', 'boxes', 'faces', 'faceBoxes', 'expressions']);
    for (const k of demoDatasetKinds) {
      expect(k.title).not.toBe('');
      expect(k.description).not.toMatch(/\n/);
      expect(k.defaults.classes * k.defaults.perClass * k.defaults.imageSize ** 2).toBeLessThan(200_000);
    }
  });
});
