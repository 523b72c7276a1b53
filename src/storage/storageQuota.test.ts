import { describe, expect, it } from 'vitest';
import { StorageFullError } from './storageFullError.ts';
import { ensureSpace, estimateStorage, requestPersistence, type QuotaSource } from './storageQuota.ts';

function source(usage: number | undefined, quota: number | undefined, persisted = false): QuotaSource {
  return {
    estimate: async () => ({ usage, quota }),
    persisted: async () => persisted,
    persist: async () => true,
  };
}

describe('estimateStorage', () => {
  it('reports usage, quota and persistence from the source', async () => {
    expect(await estimateStorage(source(1_000, 50_000, true))).toEqual({ usage: 1_000, quota: 50_000, persisted: true });
  });

  it('treats missing figures and a missing Storage API as unknown: no usage, unlimited quota', async () => {
    expect(await estimateStorage(source(undefined, undefined))).toEqual({ usage: 0, quota: Infinity, persisted: false });
    expect(await estimateStorage({ estimate: async () => ({ usage: 5 }) })).toEqual({ usage: 5, quota: Infinity, persisted: false });
    // Node has no navigator.storage, so the default source is the missing one.
    expect(await estimateStorage()).toEqual({ usage: 0, quota: Infinity, persisted: false });
  });
});

describe('requestPersistence', () => {
  it('answers what the browser granted, and false without the API', async () => {
    expect(await requestPersistence(source(0, 1))).toBe(true);
    expect(await requestPersistence({ estimate: async () => ({}) })).toBe(false);
    expect(await requestPersistence(undefined)).toBe(false);
  });
});

describe('ensureSpace', () => {
  it('passes when the quota leaves room, exactly full included', async () => {
    await expect(ensureSpace(4_000_000, 'importing 10 images', source(1_000_000, 5_000_000))).resolves.toBeUndefined();
    await expect(ensureSpace(1e12, 'anything', undefined)).resolves.toBeUndefined();
  });

  it('throws StorageFullError with what, how much it needs and how much is left', async () => {
    // 14.2 MB needed against 3.1 MB left: decimal megabytes, as the browser's own settings page counts them.
    const attempt = ensureSpace(14_200_000, 'importing 120 images', source(96_900_000, 100_000_000));
    await expect(attempt).rejects.toBeInstanceOf(StorageFullError);
    await expect(attempt).rejects.toThrow(/^importing 120 images needs about 14\.2 MB; this browser allows 3\.1 MB more\. Nothing was written\./);
    await expect(attempt).rejects.toMatchObject({ needed: 14_200_000, available: 3_100_000 });
  });

  it('counts usage over the quota as no space left', async () => {
    await expect(ensureSpace(1, 'saving a checkpoint', source(2_000, 1_000))).rejects.toThrow(/needs about 1 byte; this browser allows 0 bytes more/);
  });
});
