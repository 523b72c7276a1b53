import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { openStudioDb, STUDIO_DB_VERSION } from './openStudioDb.ts';

describe('openStudioDb', () => {
  it('creates every store with its key path and indexes', async () => {
    const db = await openStudioDb(`t-${crypto.randomUUID()}`);
    const tx = db.transaction([...db.objectStoreNames], 'readonly');
    const shape = Object.fromEntries(
      [...db.objectStoreNames].map((name) => {
        const store = tx.objectStore(name);
        const indexes = Object.fromEntries([...store.indexNames].map((i) => [i, store.index(i).keyPath]));
        return [name, { keyPath: store.keyPath, indexes }];
      }),
    );
    expect(shape).toEqual({
      blobs: { keyPath: 'hash', indexes: {} },
      checkpoints: { keyPath: ['runId', 'slot'], indexes: { byRun: 'runId' } },
      datasets: { keyPath: 'id', indexes: {} },
      events: { keyPath: ['runId', 'seq'], indexes: { byRun: 'runId' } },
      runs: { keyPath: 'id', indexes: { byCreated: 'createdAt' } },
      samples: { keyPath: ['datasetId', 'id'], indexes: { byDataset: 'datasetId', byHash: 'hash' } },
      thumbs: { keyPath: 'hash', indexes: {} },
      weightBytes: { keyPath: 'sha256', indexes: {} },
      weightFiles: { keyPath: 'sha256', indexes: { byUrl: 'url' } },
    });
    db.close();
  });

  it('closes for another tab that needs a newer version, and says so', async () => {
    const name = `t-${crypto.randomUUID()}`;
    let closedForUpgrade = false;
    const old = await openStudioDb(name, { onClosedForUpgrade: () => (closedForUpgrade = true) });
    await old.put('datasets', { id: 'kept', name: 'kept', createdAt: 0, updatedAt: 0, version: 'v', sampleCount: 0, classCounts: {}, boxCount: 0, origin: 'demo' });
    // Without the close, this open would wait on `blocked` forever.
    const newer = await openDB(name, STUDIO_DB_VERSION + 1);
    expect(closedForUpgrade).toBe(true);
    expect(await newer.get('datasets', 'kept')).toMatchObject({ name: 'kept' });
    newer.close();
  });
});

describe('openStudioDb upgrading a version-1 database', () => {
  it('adds the weight stores and keeps everything stored before', async () => {
    const name = `t-${crypto.randomUUID()}`;
    // The version-1 schema as it shipped: only the dataset and run stores.
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('byCreated', 'createdAt');
      },
    });
    await v1.put('runs', { id: 'old-run', createdAt: 1 });
    v1.close();
    const db = await openStudioDb(name);
    expect(await db.get('runs', 'old-run')).toEqual({ id: 'old-run', createdAt: 1 });
    expect([...db.objectStoreNames]).toEqual(expect.arrayContaining(['weightFiles', 'weightBytes']));
    db.close();
  });
});
