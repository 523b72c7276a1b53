import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySource } from '../core/data/memorySource.ts';
import { syntheticSource } from '../core/data/syntheticSource.ts';
import { FolderSource } from './folderSource.ts';
import { encodePgm, writeImageFolder } from './writeDataset.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'write-dataset-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('writeImageFolder', () => {
  it('writes class folders of PNGs that FolderSource reads back byte for byte', async () => {
    const source = syntheticSource({ generator: 'shapes', classes: 3, perClass: 2, imageSize: 16, seed: 4 });
    const written = await writeImageFolder(tmp, source, { format: 'png' });
    expect(written).toEqual(['circle/0000.png', 'circle/0001.png', 'square/0000.png', 'square/0001.png', 'triangle/0000.png', 'triangle/0001.png']);
    const back = new FolderSource(tmp, { labels: 'folders' });
    const refs = await back.list();
    expect(refs.map((r) => [r.id, r.className])).toEqual(written.map((id) => [id, id.split('/')[0]]));
    const original = await source.list();
    for (let i = 0; i < refs.length; i++) {
      expect(Array.from((await back.read(refs[i])).data)).toEqual(Array.from((await source.read(original[i])).data));
    }
  });

  it("writes seed 001's images/ + labels/ layout with class and bbox", async () => {
    const source = syntheticSource({ generator: 'boxes', classes: 2, perClass: 2, imageSize: 24, seed: 9 });
    const written = await writeImageFolder(tmp, source, { format: 'jpg', labels: 'json' });
    expect(written[0]).toBe('images/circle_0000.jpg');
    const label = JSON.parse(await readFile(path.join(tmp, 'labels', 'circle_0000.json'), 'utf8'));
    const original = await source.list();
    expect(label).toEqual({ class: 'circle', bbox: original[0].bbox });
    const back = new FolderSource(tmp, { labels: 'json' });
    const refs = await back.list();
    expect(back.badSamples).toEqual([]);
    expect(refs.map((r) => [r.className, r.bbox])).toEqual(original.map((r) => [r.className, r.bbox]));
    const image = await back.read(refs[3]);
    expect([image.width, image.height, image.channels]).toEqual([24, 24, 3]);
  });

  it('writes PGM greymaps and keeps 1-channel images grey in PNG', async () => {
    const grey = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([10, 250]) };
    const colour = { width: 1, height: 1, channels: 3 as const, data: new Uint8Array([255, 0, 0]) };
    expect(Array.from(encodePgm(colour).slice(-1))).toEqual([76]);
    const source = new MemorySource([
      { ref: { id: 'a/g', className: 'a' }, image: grey },
      { ref: { id: 'weird:name?', className: '../b' }, image: colour },
    ]);
    const written = await writeImageFolder(tmp, source, { format: 'pgm' });
    // A class name cannot make a path: '/' is replaced and a leading dot defused.
    expect(written).toEqual(['a/g.pgm', '_.._b/weird_name_.pgm']);
    const back = new FolderSource(tmp, { labels: 'folders' });
    const refs = await back.list();
    expect(await back.read(refs[1])).toEqual({ width: 2, height: 1, channels: 1, data: new Uint8Array([10, 250]) });
    expect(Array.from((await back.read(refs[0])).data)).toEqual([76]);

    const pngDir = path.join(tmp, 'png');
    await writeImageFolder(pngDir, source, { format: 'png' });
    expect(await new FolderSource(pngDir, { labels: 'folders' }).read({ id: 'a/g.png', className: 'a' })).toEqual(grey);
  });

  it('keeps names unique when two ids map to the same file', async () => {
    const image = { width: 1, height: 1, channels: 1 as const, data: new Uint8Array([0]) };
    const source = new MemorySource([
      { ref: { id: 'x/Face.png', className: 'x' }, image },
      { ref: { id: 'x/face.jpg', className: 'x' }, image },
    ]);
    expect(await writeImageFolder(tmp, source, { format: 'png' })).toEqual(['x/Face.png', 'x/face_2.png']);
  });
});
