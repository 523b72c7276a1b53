import 'fake-indexeddb/auto';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { importFiles, type ImportProgress } from './importFiles.ts';
import { sha256Hex } from './sha256Hex.ts';
import { entry, pngOf } from './testing/importFixtures.ts';
import { sharpProbe } from './testing/sharpProbe.ts';

let storage: StudioStorage;

beforeEach(async () => {
  storage = await openStudioStorage(`import-${crypto.randomUUID()}`);
});

afterEach(() => storage.db.close());

const pgm = (value: number) => {
  const header = new TextEncoder().encode('P5\n2 2\n255\n');
  const out = new Uint8Array(header.length + 4);
  out.set(header);
  out.fill(value, header.length);
  return out;
};

describe('importFiles: layouts', () => {
  it('takes classes from folders below a common root, boxes from JSON labels, and stores bytes and thumbnails', async () => {
    const jpeg = new Uint8Array(await sharp({ create: { width: 120, height: 60, channels: 3, background: '#884422' } }).jpeg().toBuffer());
    const progress: ImportProgress[] = [];
    const report = await importFiles(
      storage.datasets,
      [
        entry('pets/cat/01.png', pngOf(1)),
        entry('pets/cat/02.jpg', jpeg),
        entry('pets/dog/03.png', pngOf(3)),
        entry('pets/dog/03.json', JSON.stringify({ class: 'wolf', bbox: [0.1, 0.2, 0.6, 0.9] })),
        entry('pets/dog/04.pgm', pgm(77)),
        entry('pets/.DS_Store', 'finder junk'),
      ],
      { target: { newName: 'Pets' }, probe: sharpProbe, onProgress: (p) => progress.push(p) },
    );
    expect(report).toMatchObject({ imported: 4, bad: [], cancelled: false });
    expect(report.dataset).toMatchObject({ name: 'Pets', origin: 'import', sampleCount: 4, boxCount: 1, classCounts: { cat: 2, wolf: 1, dog: 1 } });

    const samples = await storage.datasets.samples(report.dataset.id);
    expect(samples.map((s) => [s.name, s.className, s.width, s.height, s.bbox ?? null])).toEqual([
      ['cat/01.png', 'cat', 4, 3, null],
      ['cat/02.jpg', 'cat', 120, 60, null],
      ['dog/04.pgm', 'dog', 2, 2, null],
      ['dog/03.png', 'wolf', 4, 3, [0.1, 0.2, 0.6, 0.9]],
    ]);
    const photo = samples[1];
    expect(photo.hash).toBe(await sha256Hex(jpeg));
    expect((await storage.datasets.getBlob(photo.hash))?.type).toBe('image/jpeg');
    expect((await storage.datasets.getBlob(samples[2].hash))?.type).toBe('image/x-portable-anymap');
    // The 120x60 photo's thumbnail has its longest side at 96 px.
    const thumb = await storage.datasets.getThumb(photo.hash);
    expect(await sharp(new Uint8Array(thumb?.bytes ?? new ArrayBuffer(0))).metadata()).toMatchObject({ width: 96, height: 48 });

    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5, imported: 4, bad: 0 });
  });

  it('reads a zip as the root of its members, and gives loose images the default class', async () => {
    const zip = zipSync({
      'faces/anna/1.png': pngOf(10),
      'faces/anna/2.png': pngOf(11),
      'faces/ben/3.png': pngOf(12),
      'faces/ben/3.json': new TextEncoder().encode('{"class": "ben", "bbox": [0, 0, 0.5, 0.5]}'),
      '__MACOSX/faces/anna/._1.png': new Uint8Array([0, 5, 22]),
    });
    const report = await importFiles(storage.datasets, [entry('faces.zip', zip)], { target: { newName: 'Faces' }, probe: sharpProbe });
    expect(report.bad).toEqual([]);
    expect(report.dataset.classCounts).toEqual({ anna: 2, ben: 1 });
    expect(report.dataset.boxCount).toBe(1);

    const burst = await importFiles(storage.datasets, [entry('shot-1.png', pngOf(20)), entry('shot-2.png', pngOf(21))], {
      target: { datasetId: report.dataset.id },
      defaultClass: 'carl',
      probe: sharpProbe,
    });
    expect(burst.imported).toBe(2);
    expect(burst.dataset.classCounts).toEqual({ anna: 2, ben: 1, carl: 2 });
    expect(burst.dataset.origin).toBe('import');

    const webcam = await importFiles(storage.datasets, [entry('shot-3.png', pngOf(22))], {
      target: { newName: 'Webcam', origin: 'webcam' },
      defaultClass: 'dana',
      probe: sharpProbe,
    });
    expect(webcam.dataset.origin).toBe('webcam');
  });
});

describe('importFiles: bad files', () => {
  it('reports each bad file with its reason while the good ones import', async () => {
    const good = pngOf(1);
    const report = await importFiles(
      storage.datasets,
      [
        entry('set/cat/ok.png', good),
        entry('set/cat/notes.png', 'I am text, not a picture'),
        entry('set/cat/broken.png', pngOf(2, 40, 40).slice(0, 60)),
        entry('set/cat/empty.png', ''),
        entry('set/dog/copy.png', good),
        entry('set/dog/lonely.json', '{"class": "dog"}'),
        entry('set/dog/bad-label.png', pngOf(3)),
        entry('set/dog/bad-label.json', '{"class": "dog", "bbox": [0.5, 0.5, 2, 2]}'),
        entry('set/dog/fine.png', pngOf(4)),
        entry('set/loose.png', pngOf(5)),
        entry('set/archive.zip', new Uint8Array([0x50, 0x4b, 3, 4, 9, 9])),
      ],
      { target: { newName: 'Mixed' }, probe: sharpProbe },
    );
    const reasons = Object.fromEntries(report.bad.map((b) => [b.path, b.reason]));
    expect(reasons).toEqual({
      'set/archive.zip': expect.stringMatching(/^corrupt or unsupported zip archive \(.+\)$/),
      'set/dog/lonely.json': 'label with no image (no image of the same name beside it)',
      'set/cat/broken.png': 'corrupt or truncated PNG file: it does not decode',
      'set/cat/empty.png': 'empty file',
      'set/cat/notes.png': 'not an image (a ".png" file whose contents are not PNG, JPEG, GIF, WebP, BMP or PGM/PPM)',
      'set/dog/bad-label.png': 'set/dog/bad-label.json: bbox must be 4 numbers in [0, 1], got [0.5, 0.5, 2, 2]',
      'set/dog/copy.png': 'same pixels as set/cat/ok.png (kept once)',
      'set/loose.png': 'no class: put it in a folder named after its class, or add a JSON label',
    });
    expect(report.imported).toBe(2);
    expect(report.dataset.classCounts).toEqual({ cat: 1, dog: 1 });
    // Nothing of a bad file was stored.
    expect(await storage.datasets.hasBlob(await sha256Hex(pngOf(3)))).toBe(false);
    expect(await storage.db.count('blobs')).toBe(2);
  });

  it('reports images already in the target dataset, and adds the rest', async () => {
    const first = await importFiles(storage.datasets, [entry('cat/a.png', pngOf(1)), entry('cat/b.png', pngOf(2))], {
      target: { newName: 'Cats' },
      probe: sharpProbe,
    });
    const again = await importFiles(storage.datasets, [entry('more/a-again.png', pngOf(1)), entry('more/c.png', pngOf(3))], {
      target: { datasetId: first.dataset.id },
      probe: sharpProbe,
    });
    expect(again.imported).toBe(1);
    expect(again.bad).toEqual([{ path: 'more/a-again.png', reason: 'already in the dataset' }]);
    expect(again.dataset.classCounts).toEqual({ cat: 2, more: 1 });
  });

  it('refuses a target dataset that does not exist, and a new one with no name, before reading anything', async () => {
    await expect(importFiles(storage.datasets, [entry('cat/a.png', pngOf(1))], { target: { datasetId: 'gone' }, probe: sharpProbe })).rejects.toThrow(
      'cannot import: there is no dataset with id "gone" (was it deleted?); nothing was imported',
    );
    await expect(importFiles(storage.datasets, [], { target: { newName: '  ' }, probe: sharpProbe })).rejects.toThrow(/empty name; nothing was imported/);
    expect(await storage.datasets.list()).toEqual([]);
  });
});
