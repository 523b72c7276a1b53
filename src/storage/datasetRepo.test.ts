import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stableHash } from '../core/util/stableHash.ts';
import type { DatasetRepo } from './datasetRepo.ts';
import { StorageFullError } from './storageFullError.ts';
import type { StagedSample } from './storageRecords.ts';
import { openStudioStorage, type StudioStorage } from './studioStorage.ts';

/** A w x h binary PGM whose pixels all equal `value`: distinct values give distinct bytes and hashes. */
function pgm(value: number, w = 2, h = 2): Uint8Array<ArrayBuffer> {
  const header = new TextEncoder().encode(`P5\n${w} ${h}\n255\n`);
  const bytes = new Uint8Array(header.length + w * h);
  bytes.set(header);
  bytes.fill(value, header.length);
  return bytes;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stores the image bytes of `value` and returns a sample for them (id = content hash, as the importer does). */
async function staged(repo: DatasetRepo, value: number, className: string, extra: Partial<StagedSample> = {}): Promise<StagedSample> {
  const bytes = pgm(value);
  const hash = await sha256(bytes);
  await repo.putBlob(
    { hash, type: 'image/x-portable-anymap', bytes: bytes.slice().buffer, width: 2, height: 2 },
    { hash, type: 'image/png', bytes: new ArrayBuffer(4) },
  );
  return { id: hash, hash, name: `${className}/${value}.pgm`, className, width: 2, height: 2, ...extra };
}

let storage: StudioStorage;
let repo: DatasetRepo;

beforeEach(async () => {
  storage = await openStudioStorage(`t-${crypto.randomUUID()}`);
  repo = storage.datasets;
});

afterEach(() => {
  vi.restoreAllMocks();
  storage.db.close();
});

describe('DatasetRepo records', () => {
  it('creates, lists newest first, renames and deletes datasets', async () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1000);
    const older = await repo.create('  shapes ', 'demo');
    now.mockReturnValue(2000);
    const newer = await repo.create('faces', 'import', 'webcam shots');
    expect(older.name).toBe('shapes');
    expect(newer.description).toBe('webcam shots');
    // An empty dataset has a version too: the hash of the empty canonical list.
    expect(older.version).toBe(stableHash([]));
    expect(older).toMatchObject({ sampleCount: 0, boxCount: 0, classCounts: {} });
    expect((await repo.list()).map((d) => d.name)).toEqual(['faces', 'shapes']);

    now.mockReturnValue(3000);
    const renamed = await repo.rename(older.id, 'toy shapes');
    expect(renamed).toMatchObject({ name: 'toy shapes', updatedAt: 3000, version: older.version });
    expect((await repo.get(older.id))?.name).toBe('toy shapes');

    await repo.delete(newer.id);
    expect((await repo.list()).map((d) => d.id)).toEqual([older.id]);
  });

  it('refuses empty names and unknown ids with errors that say so', async () => {
    await expect(repo.create('   ', 'import')).rejects.toThrow(/needs a name/);
    await expect(repo.rename('nope', 'x')).rejects.toThrow(/no dataset with id "nope"; nothing was renamed/);
    await expect(repo.delete('nope')).rejects.toThrow(/no dataset with id "nope"; nothing was deleted/);
    expect(await repo.list()).toEqual([]);
  });
});

describe('DatasetRepo samples and versions', () => {
  it('commits samples with counts, and the version follows labels but not insertion order', async () => {
    const a = await staged(repo, 10, 'circle');
    const b = await staged(repo, 20, 'square', { bbox: [0.1, 0.2, 0.5, 0.6] });
    const c = await staged(repo, 30, 'circle', { identity: 'p1' });

    const first = await repo.create('first', 'import');
    const { dataset, duplicates } = await repo.commitSamples(first.id, [a, b, c]);
    expect(duplicates).toEqual([]);
    expect(dataset).toMatchObject({ sampleCount: 3, boxCount: 1, classCounts: { circle: 2, square: 1 } });
    expect(dataset.version).not.toBe(first.version);
    expect(await repo.get(first.id)).toEqual(dataset);

    const second = await repo.create('second', 'import');
    await repo.commitSamples(second.id, [c, a]);
    const sameData = (await repo.commitSamples(second.id, [b])).dataset;
    expect(sameData.version).toBe(dataset.version);

    const relabelled = await repo.updateSamples(first.id, [{ id: b.id, className: 'circle' }]);
    expect(relabelled.version).not.toBe(dataset.version);
    expect(relabelled.classCounts).toEqual({ circle: 3 });
    const unchanged = await repo.updateSamples(first.id, [{ id: b.id, className: 'circle' }]);
    expect(unchanged.version).toBe(relabelled.version);
    const back = await repo.updateSamples(first.id, [{ id: b.id, className: 'square' }]);
    expect(back.version).toBe(dataset.version);

    const noBox = await repo.updateSamples(first.id, [{ id: b.id, bbox: null }, { id: c.id, identity: null }]);
    expect(noBox.boxCount).toBe(0);
    expect(noBox.version).not.toBe(dataset.version);
    const stored = await repo.samples(first.id);
    expect(stored.map((s) => s.name)).toEqual(['circle/10.pgm', 'circle/30.pgm', 'square/20.pgm']);
    expect(stored.every((s) => s.bbox === undefined && s.identity === undefined)).toBe(true);
  });

  it('returns samples the dataset already holds as duplicates and writes only the new ones', async () => {
    const a = await staged(repo, 1, 'x');
    const b = await staged(repo, 2, 'y');
    const ds = await repo.create('d', 'import');
    await repo.commitSamples(ds.id, [a]);
    const { dataset, duplicates } = await repo.commitSamples(ds.id, [{ ...a, name: 'again.pgm' }, b, b]);
    expect(duplicates.map((s) => s.name)).toEqual(['again.pgm', 'y/2.pgm']);
    expect(dataset.sampleCount).toBe(2);
    expect((await repo.samples(ds.id)).map((s) => s.name)).toEqual(['x/1.pgm', 'y/2.pgm']);
  });

  it('refuses samples whose bytes are not stored, naming them, and writes nothing', async () => {
    const a = await staged(repo, 1, 'x');
    const ds = await repo.create('d', 'import');
    const before = (await repo.commitSamples(ds.id, [a])).dataset;
    const lostBytes = pgm(99);
    const lostHash = await sha256(lostBytes);
    const lost: StagedSample = { id: lostHash, hash: lostHash, name: 'x/lost.pgm', className: 'x', width: 2, height: 2 };
    const fine = await staged(repo, 2, 'x');
    await expect(repo.commitSamples(ds.id, [fine, lost])).rejects.toThrow(/image bytes of 1 of them are not stored \(x\/lost\.pgm .*Nothing was added/);
    expect(await repo.get(ds.id)).toEqual(before);
    expect((await repo.samples(ds.id)).map((s) => s.name)).toEqual(['x/1.pgm']);
  });

  it('refuses invalid samples and labels before writing', async () => {
    const a = await staged(repo, 1, 'x');
    const ds = await repo.create('d', 'import');
    await expect(repo.commitSamples(ds.id, [{ ...a, bbox: [0.5, 0.1, 0.2, 0.9] }])).rejects.toThrow(/x\/1\.pgm: its box \[0\.5,0\.1,0\.2,0\.9\] has no area/);
    await expect(repo.commitSamples(ds.id, [{ ...a, className: '' }])).rejects.toThrow(/class name is empty/);
    await expect(repo.commitSamples(ds.id, [{ ...a, hash: 'ABC' }])).rejects.toThrow(/not a lowercase hex SHA-256/);
    await repo.commitSamples(ds.id, [a]);
    await expect(repo.updateSamples(ds.id, [{ id: a.id, bbox: [0, 0, 1.5, 1] }])).rejects.toThrow(/not normalized/);
    await expect(repo.updateSamples(ds.id, [{ id: 'ghost', className: 'y' }])).rejects.toThrow(/has no sample ghost; no label was changed/);
    expect((await repo.samples(ds.id))[0]).toMatchObject({ className: 'x' });
  });

  it('removes samples, recounts, and collects the bytes only they used', async () => {
    const a = await staged(repo, 1, 'x');
    const b = await staged(repo, 2, 'y');
    const ds = await repo.create('d', 'import');
    await repo.commitSamples(ds.id, [a, b]);
    await expect(repo.removeSamples(ds.id, [b.id, 'ghost'])).rejects.toThrow(/has no sample ghost; nothing was removed/);
    expect((await repo.get(ds.id))?.sampleCount).toBe(2);

    const after = await repo.removeSamples(ds.id, [b.id]);
    expect(after).toMatchObject({ sampleCount: 1, classCounts: { x: 1 } });
    expect(after.version).toBe((await repo.commitSamples((await repo.create('ref', 'import')).id, [a])).dataset.version);
    expect(await repo.hasBlob(b.hash)).toBe(false);
    expect(await repo.getThumb(b.hash)).toBeUndefined();
    expect(await repo.hasBlob(a.hash)).toBe(true);
  });
});

describe('DatasetRepo shared bytes', () => {
  it('keeps bytes two datasets share until the second one is deleted', async () => {
    const shared = await staged(repo, 7, 'x');
    const one = await repo.create('one', 'import');
    const two = await repo.create('two', 'import');
    await repo.commitSamples(one.id, [shared]);
    await repo.commitSamples(two.id, [{ ...shared, className: 'other' }]);

    await repo.delete(one.id);
    expect(await repo.hasBlob(shared.hash)).toBe(true);
    expect((await repo.getBlob(shared.hash))?.bytes.byteLength).toBe(pgm(7).length);
    expect(await repo.getThumb(shared.hash)).toBeDefined();
    expect(await repo.samples(two.id)).toHaveLength(1);

    await repo.delete(two.id);
    expect(await repo.hasBlob(shared.hash)).toBe(false);
    expect(await repo.getThumb(shared.hash)).toBeUndefined();
    await expect(repo.samples(two.id)).rejects.toThrow(/no dataset/);
  });

  it('spares an import in progress when a delete sweeps, and collectGarbage removes what never got committed', async () => {
    const doomed = await repo.create('doomed', 'import');
    await repo.commitSamples(doomed.id, [await staged(repo, 1, 'x')]);
    const inFlight = await staged(repo, 2, 'x');
    await repo.delete(doomed.id);
    expect(await repo.hasBlob(inFlight.hash)).toBe(true);

    const target = await repo.create('target', 'import');
    await repo.commitSamples(target.id, [inFlight]);
    const abandoned = await staged(repo, 3, 'x');
    expect(await repo.collectGarbage()).toBe(1);
    expect(await repo.hasBlob(abandoned.hash)).toBe(false);
    expect(await repo.hasBlob(inFlight.hash)).toBe(true);
    expect(await repo.collectGarbage()).toBe(0);
  });

  it('discards one import\'s staged bytes while another import keeps its own', async () => {
    const failed = await staged(repo, 4, 'x');
    const running = await staged(repo, 5, 'x');
    expect(await repo.discardStaged([failed.hash])).toBe(1);
    expect(await repo.hasBlob(failed.hash)).toBe(false);
    expect(await repo.hasBlob(running.hash)).toBe(true);
    const target = await repo.create('target', 'import');
    await repo.commitSamples(target.id, [running]);
    expect((await repo.samples(target.id)).map((s) => s.hash)).toEqual([running.hash]);
  });

  it('merges datasets into a new one, keeping each image once with the first source label', async () => {
    const a = await staged(repo, 1, 'cat');
    const b = await staged(repo, 2, 'dog');
    const c = await staged(repo, 3, 'cat');
    const left = await repo.create('left', 'import');
    const right = await repo.create('right', 'webcam');
    await repo.commitSamples(left.id, [a, b]);
    await repo.commitSamples(right.id, [{ ...b, className: 'bird' }, c]);

    const merged = await repo.merge([left.id, right.id], 'both');
    expect(merged).toMatchObject({ name: 'both', origin: 'merge', sampleCount: 3, classCounts: { cat: 2, dog: 1 }, description: "merged from 'left', 'right'" });
    // Same labels committed directly give the same version: the merge kept left's "dog".
    const direct = await repo.create('direct', 'import');
    expect(merged.version).toBe((await repo.commitSamples(direct.id, [a, b, c])).dataset.version);
    expect((await repo.samples(merged.id)).every((s) => s.datasetId === merged.id)).toBe(true);
    expect(await repo.samples(left.id)).toHaveLength(2);

    const count = (await repo.list()).length;
    await expect(repo.merge([left.id, 'missing-id'], 'bad')).rejects.toThrow(/no dataset with id missing-id; nothing was created/);
    expect(await repo.list()).toHaveLength(count);
  });
});

describe('DatasetRepo when the disk is full', () => {
  it('turns a QuotaExceededError during commitSamples into StorageFullError and keeps the dataset as it was', async () => {
    const a = await staged(repo, 1, 'x');
    const ds = await repo.create('shapes', 'import');
    await repo.commitSamples(ds.id, [a]);
    const before = { record: await repo.get(ds.id), samples: await repo.samples(ds.id) };
    const more = [await staged(repo, 2, 'x'), await staged(repo, 3, 'y'), await staged(repo, 4, 'y')];

    // fake-indexeddb has no quota, so the second put of the commit fails the way a full disk would.
    const put = IDBObjectStore.prototype.put;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (++calls === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    const failure = repo.commitSamples(ds.id, more);
    await expect(failure).rejects.toBeInstanceOf(StorageFullError);
    await expect(failure).rejects.toThrow(/adding 3 samples to dataset 'shapes' did not fit, so nothing of it was kept/);
    expect(calls).toBeGreaterThanOrEqual(2);
    vi.restoreAllMocks();

    expect(await repo.get(ds.id)).toEqual(before.record);
    expect(await repo.samples(ds.id)).toEqual(before.samples);
    // The bytes stay stored, so a retry after freeing space commits them.
    expect((await repo.commitSamples(ds.id, more)).dataset.sampleCount).toBe(4);
  });
});
