import 'fake-indexeddb/auto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from './importFiles.ts';
import { entry } from './testing/importFixtures.ts';
import { sharpProbe } from './testing/sharpProbe.ts';
import { FolderSource } from '../node/folderSource.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';

// Issue 26: the CLI's folder source trained on ORL's .pgm images and their .pgm.png copies
// (481 images for 280) while the studio's importer had a policy of its own. One folder, both
// hosts: the same samples kept, the same files skipped, for the same reasons.

let tmp: string;
let storage: StudioStorage;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'import-policy-'));
  storage = await openStudioStorage(`policy-${crypto.randomUUID()}`);
});
afterEach(async () => {
  storage.db.close();
  await rm(tmp, { recursive: true, force: true });
});

const grey = (value: number) => new Uint8Array(6 * 5).map((_, i) => (value + i * 3) & 0xff);
const pgm = (value: number) => new Uint8Array([...new TextEncoder().encode('P5\n6 5\n255\n'), ...grey(value)]);
const greyAs = (value: number, format: 'png' | 'jpeg' | 'webp') => {
  const image = sharp(grey(value), { raw: { width: 6, height: 5, channels: 1 } });
  return format === 'png' ? image.png().toBuffer() : format === 'webp' ? image.webp({ lossless: true }).toBuffer() : image.jpeg({ quality: 100 }).toBuffer();
};

describe('one import policy: the studio and the CLI import the same folder into the same samples', () => {
  it('keeps identical pixels once under different names and formats, and gives every skipped file the same reason', async () => {
    const files: Record<string, Uint8Array> = {
      'person1/1.pgm': pgm(10),
      'person1/1.pgm.png': new Uint8Array(await greyAs(10, 'png')),
      'person1/2.pgm': pgm(40),
      'person1/2-lossless.webp': new Uint8Array(await greyAs(40, 'webp')),
      'person2/1.pgm': pgm(70),
      'person2/1-copy.pgm': pgm(70),
      'person2/2.png': new Uint8Array(await greyAs(100, 'png')),
      'person2/cut.png': new Uint8Array(await greyAs(130, 'png')).subarray(0, 50),
      'person2/README.md': new TextEncoder().encode('# the ORL faces'),
      'person2/empty.pgm': new Uint8Array(0),
    };
    for (const [id, bytes] of Object.entries(files)) {
      await mkdir(path.join(tmp, path.dirname(id)), { recursive: true });
      await writeFile(path.join(tmp, id), bytes);
    }
    const folder = new FolderSource(tmp, { labels: 'folders' });
    const cli = (await folder.list()).map((r) => `${r.className}: ${r.id}`);
    const cliSkipped = Object.fromEntries(folder.badSamples.map((b) => [b.id, b.reason]));

    // The studio gets the folder as a directory picker gives it, wrapped in its own name.
    const report = await importFiles(
      storage.datasets,
      Object.entries(files).map(([id, bytes]) => entry(`orl/${id}`, bytes)),
      { target: { newName: 'ORL' }, probe: sharpProbe },
    );
    const studio = (await storage.datasets.samples(report.dataset.id)).map((s) => `${s.className}: ${s.name}`).sort();
    const studioSkipped = Object.fromEntries(report.bad.map((b) => [b.path.replace(/^orl\//, ''), b.reason.replaceAll('orl/', '')]));

    expect(cli).toEqual(['person1: person1/1.pgm', 'person1: person1/2-lossless.webp', 'person2: person2/1-copy.pgm', 'person2: person2/2.png']);
    expect(studio).toEqual(cli);
    expect(cliSkipped).toEqual({
      'person1/1.pgm.png': 'same pixels as person1/1.pgm (kept once)',
      'person1/2.pgm': 'same pixels as person1/2-lossless.webp (kept once)',
      'person2/1.pgm': 'same pixels as person2/1-copy.pgm (kept once)',
      'person2/README.md': 'not an image (a ".md" file whose contents are not PNG, JPEG, GIF, WebP, BMP or PGM/PPM)',
      'person2/cut.png': 'corrupt or truncated PNG file: it does not decode',
      'person2/empty.pgm': 'empty file',
    });
    expect(studioSkipped).toEqual(cliSkipped);
    expect(folder.counts).toEqual({ files: 10, images: 4, skipped: 6, duplicates: 3 });
  });
});
