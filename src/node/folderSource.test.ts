import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderSource } from './folderSource.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'folder-source-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(rel: string, bytes: Uint8Array | string): Promise<void> {
  const target = path.join(tmp, ...rel.split('/'));
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, bytes);
}

const png = (w: number, h: number, value = 128) => sharp(new Uint8Array(w * h * 3).fill(value), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
const jpg = (w: number, h: number, value = 90) => sharp(new Uint8Array(w * h * 3).fill(value), { raw: { width: w, height: h, channels: 3 } }).jpeg().toBuffer();
const pgm = (w: number, h: number, value = 77) => new Uint8Array([...new TextEncoder().encode(`P5\n${w} ${h}\n255\n`), ...new Array(w * h).fill(value)]);

describe('FolderSource with class folders', () => {
  it('lists <class>/<image> with nested folders, sorted POSIX ids, and reads each one', async () => {
    await put('dog/b.png', await png(6, 4));
    await put('dog/puppies/a.jpg', await jpg(8, 8));
    await put('cat/x.PGM', pgm(3, 2));
    await put('cat/.DS_Store', 'junk');
    const source = new FolderSource(tmp, { labels: 'folders' });
    const refs = await source.list();
    expect(refs).toEqual([
      { id: 'cat/x.PGM', className: 'cat' },
      { id: 'dog/b.png', className: 'dog' },
      { id: 'dog/puppies/a.jpg', className: 'dog' },
    ]);
    expect(source.badSamples).toEqual([]);
    const sizes = await Promise.all(refs.map(async (r) => source.read(r)));
    expect(sizes.map((i) => [i.width, i.height, i.channels])).toEqual([
      [3, 2, 1],
      [6, 4, 3],
      [8, 8, 3],
    ]);
    expect(source.description).toBe(`folder ${tmp}`);
  });

  it('lists unusable files as bad samples, a corrupt image among them, before anything trains; the rest load', async () => {
    await put('cat/ok.png', await png(4, 4));
    await put('cat/notes.txt', 'hello');
    await put('stray.png', await png(4, 4, 10));
    await put('cat/broken.png', 'definitely not a png');
    await put('cat/cut.png', (await png(40, 40, 200)).subarray(0, 60));
    await put('cat/empty.jpg', '');
    const source = new FolderSource(tmp, { labels: 'folders' });
    const refs = await source.list();
    expect(refs.map((r) => r.id)).toEqual(['cat/ok.png']);
    expect(source.badSamples).toEqual([
      { id: 'cat/broken.png', reason: 'not an image (a ".png" file whose contents are not PNG, JPEG, GIF, WebP, BMP or PGM/PPM)' },
      { id: 'cat/cut.png', reason: 'corrupt or truncated PNG file: it does not decode' },
      { id: 'cat/empty.jpg', reason: 'empty file' },
      { id: 'cat/notes.txt', reason: 'not an image (a ".txt" file whose contents are not PNG, JPEG, GIF, WebP, BMP or PGM/PPM)' },
      { id: 'stray.png', reason: 'no class: put it in a folder named after its class, or add a JSON label' },
    ]);
    expect(source.counts).toEqual({ files: 6, images: 1, skipped: 5, duplicates: 0 });
    await expect(source.read({ id: 'cat/broken.png', className: 'cat' })).rejects.toThrow(`${path.join(tmp, 'cat', 'broken.png')}: not an image`);
    await expect(source.read({ id: 'cat/gone.png', className: 'cat' })).rejects.toThrow(`${path.join(tmp, 'cat', 'gone.png')}: file not found`);
  });

  it('gives a corrupt image the same reason every time (issue 26: "Unknown error" one run, a libvips message the next)', async () => {
    const whole = await png(64, 64, 33);
    for (let i = 0; i < 12; i++) await put(`cat/cut${String(i).padStart(2, '0')}.png`, whole.subarray(0, 40 + i * 7));
    await put('cat/ok.png', whole);
    const reasons = new Set<string>();
    for (let run = 0; run < 3; run++) {
      const source = new FolderSource(tmp, { labels: 'folders' });
      await source.list();
      for (const b of source.badSamples) reasons.add(b.reason);
    }
    expect([...reasons]).toEqual(['corrupt or truncated PNG file: it does not decode']);
  });

  it('keeps pixel-identical images once, whatever their names and formats (ORL\'s .pgm with its .pgm.png copy)', async () => {
    const face = pgm(4, 3, 120);
    await put('s1/1.pgm', face);
    await put('s1/1.pgm.png', await sharp(new Uint8Array(12).fill(120), { raw: { width: 4, height: 3, channels: 1 } }).png().toBuffer());
    await put('s1/2.pgm', pgm(4, 3, 121));
    await put('s2/copy-of-s1-2.bmp', await sharp(new Uint8Array(36).fill(121), { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer());
    await put('s2/3.pgm', pgm(4, 3, 122));
    await put('s2/3-again.pgm', pgm(4, 3, 122));
    const source = new FolderSource(tmp, { labels: 'folders' });
    expect((await source.list()).map((r) => r.id)).toEqual(['s1/1.pgm', 's1/2.pgm', 's2/3-again.pgm']);
    expect(source.badSamples).toEqual([
      { id: 's1/1.pgm.png', reason: 'same pixels as s1/1.pgm (kept once)' },
      { id: 's2/3.pgm', reason: 'same pixels as s2/3-again.pgm (kept once)' },
      { id: 's2/copy-of-s1-2.bmp', reason: 'same pixels as s1/2.pgm (kept once)' },
    ]);
    expect(source.counts).toEqual({ files: 6, images: 3, skipped: 3, duplicates: 3 });
  });

  it('gives a clear error for a missing, empty or unusable folder', async () => {
    await expect(new FolderSource(path.join(tmp, 'nope'), { labels: 'folders' }).list()).rejects.toThrow(/data folder .*nope: does not exist/);
    await expect(new FolderSource(tmp, { labels: 'folders' }).list()).rejects.toThrow(/is empty/);
    await put('readme.md', '# data');
    await expect(new FolderSource(tmp, { labels: 'folders' }).list()).rejects.toThrow(/no usable images .*1 skipped, e\.g\.\n {2}readme\.md: not an image/s);
    await expect(new FolderSource(path.join(tmp, 'readme.md'), { labels: 'folders' }).list()).rejects.toThrow(/is a file, not a folder/);
  });

  it('never reads outside the root: no .. ids, no symlinks out', async () => {
    const root = path.join(tmp, 'data');
    await put('secret/s.png', await png(2, 2));
    await put('data/cat/a.png', await png(2, 2));
    await symlink(path.join(tmp, 'secret', 's.png'), path.join(root, 'cat', 'leak.png'));
    await symlink(path.join(tmp, 'secret'), path.join(root, 'outside'));
    await symlink(path.join(root, 'cat', 'a.png'), path.join(root, 'cat', 'inside.png'));
    await symlink(root, path.join(root, 'cat', 'loop'));
    const source = new FolderSource(root, { labels: 'folders' });
    const refs = await source.list();
    // cat/loop leads back to the root, which the walk has already visited; a link inside is its target's pixels again.
    expect(refs.map((r) => r.id)).toEqual(['cat/a.png']);
    expect(source.badSamples).toEqual([
      { id: 'cat/inside.png', reason: 'same pixels as cat/a.png (kept once)' },
      { id: 'cat/leak.png', reason: 'symbolic link points outside the data folder' },
      { id: 'outside', reason: 'symbolic link points outside the data folder' },
    ]);
    expect((await source.read({ id: 'cat/inside.png', className: 'cat' })).width).toBe(2);
    await expect(source.read({ id: '../secret/s.png', className: 'x' })).rejects.toThrow(/is not a relative path inside the data folder/);
    await expect(source.read({ id: '/etc/passwd', className: 'x' })).rejects.toThrow(/is not a relative path inside the data folder/);
    await expect(source.read({ id: 'cat/leak.png', className: 'cat' })).rejects.toThrow(/points outside the data folder/);
  });
});

describe('FolderSource with JSON labels (seed 001 layout)', () => {
  it('pairs train/images/x.jpg with train/labels/x.json and x.jpg with x.json beside it', async () => {
    for (const split of ['train', 'test']) {
      await put(`${split}/images/${split}_1.jpg`, await jpg(12, 10, split === 'train' ? 60 : 160));
      await put(`${split}/labels/${split}_1.json`, JSON.stringify({ class: 1, bbox: [0.1, 0.2, 0.5, 0.6] }));
    }
    await put('valid/images/v.jpg', await jpg(12, 10));
    await put('valid/labels/v.json', JSON.stringify({ class: 0, bbox: [0, 0, 0, 0] }));
    await put('extra/e.png', await png(5, 5));
    await put('extra/e.json', JSON.stringify({ class: 'face' }));
    const source = new FolderSource(tmp, { labels: 'json' });
    const refs = await source.list();
    expect(refs).toEqual([
      { id: 'extra/e.png', className: 'face' },
      { id: 'test/images/test_1.jpg', className: '1', bbox: [0.1, 0.2, 0.5, 0.6] },
      { id: 'train/images/train_1.jpg', className: '1', bbox: [0.1, 0.2, 0.5, 0.6] },
      { id: 'valid/images/v.jpg', className: '0', bbox: [0, 0, 0, 0] },
    ]);
    expect(source.badSamples).toEqual([]);
    const image = await source.read(refs[2]);
    expect([image.width, image.height, image.channels]).toEqual([12, 10, 3]);
  });

  it('reads labelme labels, and reports missing, broken and orphaned labels', async () => {
    await put('images/a.jpg', await jpg(4, 4, 10));
    await put('labels/a.json', JSON.stringify({ shapes: [{ label: 'face', points: [[10, 20], [30, 60]] }], imageWidth: 100, imageHeight: 100 }));
    await put('images/b.jpg', await jpg(4, 4));
    await put('images/c.jpg', await jpg(4, 4));
    await put('labels/c.json', '{ "class": ');
    await put('images/d.jpg', await jpg(4, 4));
    await put('labels/d.json', JSON.stringify({ class: 'x', bbox: [0.5, 0.5, 2, 2] }));
    await put('labels/orphan.json', JSON.stringify({ class: 'x' }));
    await put('images/readme.txt', 'about');
    const source = new FolderSource(tmp, { labels: 'json' });
    expect(await source.list()).toEqual([{ id: 'images/a.jpg', className: 'face', bbox: [0.1, 0.2, 0.3, 0.6] }]);
    const bad = Object.fromEntries(source.badSamples.map((b) => [b.id, b.reason]));
    expect(Object.keys(bad)).toEqual(['images/b.jpg', 'images/c.jpg', 'images/d.jpg', 'images/readme.txt', 'labels/orphan.json']);
    expect(bad['images/b.jpg']).toBe('no label: expected images/b.json or labels/b.json');
    expect(bad['images/c.jpg']).toMatch(/^bad label labels\/c\.json: not valid JSON/);
    expect(bad['images/d.jpg']).toMatch(/^bad label labels\/d\.json: bbox must be 4 numbers in \[0, 1\]/);
    expect(bad['images/readme.txt']).toMatch(/^not an image/);
    expect(bad['labels/orphan.json']).toBe('label without a matching image');
  });
});
