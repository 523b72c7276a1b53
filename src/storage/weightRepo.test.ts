import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStudioStorage, type StudioStorage } from './studioStorage.ts';
import { StorageFullError } from './storageFullError.ts';

let storage: StudioStorage;

beforeEach(async () => {
  storage = await openStudioStorage(`t-${crypto.randomUUID()}`);
});

afterEach(() => {
  vi.restoreAllMocks();
  storage.db.close();
});

const fileOf = (seed: number, size = 64) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff);
/** The content address as an independent implementation (Node's OpenSSL) computes it. */
const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('WeightRepo', () => {
  it('keeps a file under its SHA-256 and gives back the same bytes', async () => {
    const bytes = fileOf(1);
    const record = await storage.weights.put(bytes, { name: 'resnet18.safetensors', holds: "torchvision's resnet18" }, 1000);
    expect(record).toEqual({ sha256: nodeSha256(bytes), size: 64, name: 'resnet18.safetensors', holds: "torchvision's resnet18", addedAt: 1000 });
    expect(await storage.weights.bytes(record.sha256)).toEqual(bytes);
    expect(await storage.weights.get(record.sha256)).toEqual(record);
  });

  it('stores only the view it is given, not the whole buffer behind it', async () => {
    const big = fileOf(2, 256);
    const view = big.subarray(100, 164);
    const record = await storage.weights.put(view, { name: 'part.safetensors' });
    expect(record.size).toBe(64);
    expect((await storage.weights.bytes(record.sha256))?.byteLength).toBe(64);
    expect(record.sha256).toBe(nodeSha256(view));
  });

  it('keeps one copy of the same content under another name, and remembers the URL it came from', async () => {
    const bytes = fileOf(3);
    const first = await storage.weights.put(bytes, { name: 'a.safetensors' }, 1);
    const url = 'https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors';
    const again = await storage.weights.put(bytes, { name: 'model.safetensors', url }, 2);
    expect(again).toEqual({ ...first, url });
    expect(await storage.weights.list()).toHaveLength(1);
    expect(await storage.db.count('weightBytes')).toBe(1);
    expect(await storage.weights.byUrl(url)).toEqual(again);
    expect(await storage.weights.byUrl('https://example.org/other.safetensors')).toBeUndefined();
  });

  it('lists newest first and deletes a file whole', async () => {
    const a = await storage.weights.put(fileOf(4), { name: 'a' }, 1);
    const b = await storage.weights.put(fileOf(5), { name: 'b' }, 2);
    expect((await storage.weights.list()).map((r) => r.name)).toEqual(['b', 'a']);
    await storage.weights.delete(b.sha256);
    expect((await storage.weights.list()).map((r) => r.sha256)).toEqual([a.sha256]);
    expect(await storage.weights.bytes(b.sha256)).toBeUndefined();
  });

  it('refuses an empty file and a key that is not a SHA-256, keeping nothing', async () => {
    await expect(storage.weights.put(new Uint8Array(0), { name: 'empty.safetensors' })).rejects.toThrow('cannot keep the weights “empty.safetensors”: the file is empty');
    await expect(storage.weights.bytes('../../etc/passwd')).rejects.toThrow('is not a SHA-256');
    expect(await storage.weights.list()).toEqual([]);
  });

  it('says the storage is full when the bytes do not fit, and loses neither the new file half-way nor the files kept before', async () => {
    const kept = await storage.weights.put(fileOf(6), { name: 'kept.safetensors' });
    // fake-indexeddb has no quota: the bytes' put fails the way a full disk would.
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'weightBytes') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    const failure = storage.weights.put(fileOf(7, 128), { name: 'big.safetensors' });
    await expect(failure).rejects.toBeInstanceOf(StorageFullError);
    await expect(failure).rejects.toThrow(/^The browser's storage is full: keeping the weights “big\.safetensors” \(128 bytes\) did not fit, so nothing of it was kept\./);
    vi.restoreAllMocks();

    expect(await storage.weights.list()).toEqual([kept]);
    expect(await storage.db.count('weightBytes')).toBe(1);
    expect(await storage.weights.bytes(kept.sha256)).toEqual(fileOf(6));
    // Once there is room again the same file is kept.
    expect((await storage.weights.put(fileOf(7, 128), { name: 'big.safetensors' })).size).toBe(128);
  });
});
