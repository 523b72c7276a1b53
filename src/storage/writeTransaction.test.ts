import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IDBPDatabase } from 'idb';
import { openStudioDb, type StudioSchema } from './openStudioDb.ts';
import { StorageFullError } from './storageFullError.ts';
import type { RunRecord } from './storageRecords.ts';
import { asStorageFull, ownedBy, requestAll, writeTransaction } from './writeTransaction.ts';

let db: IDBPDatabase<StudioSchema>;

beforeEach(async () => {
  db = await openStudioDb(`t-${crypto.randomUUID()}`);
});

afterEach(() => db.close());

const event = (runId: string, seq: number) => ({ runId, seq, event: { type: 'checkpoint' as const, epoch: seq, step: seq, kind: 'periodic' as const, time: 0 } });

describe('writeTransaction', () => {
  it('commits what the body wrote and returns its result', async () => {
    const result = await writeTransaction(db, ['events'], 'test', async (tx) => {
      await requestAll([0, 1, 2], (seq) => tx.objectStore('events').put(event('r', seq)));
      return 'done';
    });
    expect(result).toBe('done');
    expect(await db.count('events')).toBe(3);
  });

  it('keeps nothing of a body that fails after writing', async () => {
    const failing = writeTransaction(db, ['events'], 'test', async (tx) => {
      await tx.objectStore('events').put(event('r', 0));
      throw new Error('validation failed after the first write');
    });
    await expect(failing).rejects.toThrow('validation failed after the first write');
    expect(await db.count('events')).toBe(0);
  });

  it('surfaces the first error when a request throws while others are pending', async () => {
    const failing = writeTransaction(db, ['runs'], 'saving runs', async (tx) =>
      // A run without an id cannot be keyed: the second put throws as it is made.
      requestAll([{ id: 'a' }, {}, { id: 'c' }] as RunRecord[], (r) => tx.objectStore('runs').put(r)),
    );
    await expect(failing).rejects.toMatchObject({ name: 'DataError' });
    expect(await db.count('runs')).toBe(0);
  });
});

describe('asStorageFull', () => {
  const quota = new DOMException('quota', 'QuotaExceededError');

  it('maps a quota error thrown by a request, or the one a transaction aborted with', () => {
    const thrown = asStorageFull(quota, null, 'saving 3 events');
    expect(thrown).toBeInstanceOf(StorageFullError);
    expect((thrown as Error).message).toMatch(/^The browser's storage is full: saving 3 events did not fit, so nothing of it was kept\./);
    expect(asStorageFull(new DOMException('aborted', 'AbortError'), quota, 'x')).toBeInstanceOf(StorageFullError);
  });

  it('passes other errors through unchanged', () => {
    const other = new DOMException('bad key', 'DataError');
    expect(asStorageFull(other, null, 'x')).toBe(other);
    expect(asStorageFull(other, new DOMException('aborted', 'AbortError'), 'x')).toBe(other);
  });
});

describe('ownedBy', () => {
  it('covers every key of one owner and none of another, even one whose id extends it', async () => {
    await requestAll([event('r', 0), event('r', 7), event('r2', 0), event('q', 9)], (e) => db.put('events', e));
    expect((await db.getAllKeys('events', ownedBy('r'))).map(([, seq]) => seq)).toEqual([0, 7]);
  });
});
