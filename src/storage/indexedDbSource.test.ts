import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePnm } from '../core/data/pnm.ts';
import type { ImageDecoder } from '../core/data/sampleSource.ts';
import { IndexedDbSource } from './indexedDbSource.ts';
import type { StagedSample } from './storageRecords.ts';
import { openStudioStorage, type StudioStorage } from './studioStorage.ts';

const decode: ImageDecoder = async (bytes, name) => decodePnm(bytes, name);

/** A 2x1 binary PGM with pixels [left, right]. */
function pgm(left: number, right: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array([...new TextEncoder().encode('P5\n2 1\n255\n'), left, right]);
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

let storage: StudioStorage;

beforeEach(async () => {
  storage = await openStudioStorage(`t-${crypto.randomUUID()}`);
});

afterEach(() => storage.db.close());

async function store(left: number, right: number, className: string, extra: Partial<StagedSample> = {}): Promise<StagedSample> {
  const bytes = pgm(left, right);
  const hash = await sha256(bytes);
  await storage.datasets.putBlob(
    { hash, type: 'image/x-portable-anymap', bytes: bytes.slice().buffer, width: 2, height: 1 },
    { hash, type: 'image/png', bytes: new ArrayBuffer(1) },
  );
  return { id: hash, hash, name: `${className}/${left}.pgm`, className, width: 2, height: 1, ...extra };
}

describe('IndexedDbSource', () => {
  it('lists samples with their labels in id order and decodes their stored bytes', async () => {
    const ds = await storage.datasets.create('shapes', 'import');
    const a = await store(0, 255, 'dark', { identity: 'p1' });
    const b = await store(200, 100, 'light', { bbox: [0, 0, 0.5, 1] });
    const { dataset } = await storage.datasets.commitSamples(ds.id, [b, a]);

    const source = new IndexedDbSource(storage.datasets, ds.id, decode, { expectedVersion: dataset.version });
    const refs = await source.list();
    expect(source.description).toBe(`dataset 'shapes' (v${dataset.version.slice(0, 8)})`);
    const expected = [
      { id: a.id, className: 'dark', identity: 'p1' },
      { id: b.id, className: 'light', bbox: [0, 0, 0.5, 1] },
    ].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(refs).toEqual(expected);

    const image = await source.read(refs.find((r) => r.id === b.id)!);
    expect(image).toMatchObject({ width: 2, height: 1, channels: 1 });
    expect([...image.data]).toEqual([200, 100]);
  });

  it('refuses a dataset that changed since the run was created, naming both versions', async () => {
    const ds = await storage.datasets.create('shapes', 'import');
    const a = await store(1, 2, 'x');
    const before = (await storage.datasets.commitSamples(ds.id, [a])).dataset.version;
    const after = (await storage.datasets.updateSamples(ds.id, [{ id: a.id, className: 'y' }])).version;
    const source = new IndexedDbSource(storage.datasets, ds.id, decode, { expectedVersion: before });
    await expect(source.list()).rejects.toThrow(`changed since the run was created: it was version ${before}, it is now ${after}`);
  });

  it('names the sample whose bytes are gone, and a dataset that is gone', async () => {
    const ds = await storage.datasets.create('shapes', 'import');
    const a = await store(1, 2, 'x');
    await storage.datasets.commitSamples(ds.id, [a]);
    const source = new IndexedDbSource(storage.datasets, ds.id, decode);
    const [ref] = await source.list();
    await storage.db.delete('blobs', a.hash);
    await expect(source.read(ref)).rejects.toThrow(/the image bytes of sample x\/1\.pgm \(.{12}\) are missing from storage/);
    await expect(source.read({ id: 'nope', className: 'x' })).rejects.toThrow(/has no sample nope/);

    await storage.datasets.delete(ds.id);
    await expect(new IndexedDbSource(storage.datasets, ds.id, decode).list()).rejects.toThrow(/no dataset with id/);
  });
});
