import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlobRecord, CheckpointRecord, DatasetRecord, EventRecord, RunRecord, SampleRecord, ThumbRecord, WeightBytesRecord, WeightFileRecord } from './storageRecords.ts';

/** The IndexedDB schema; bump STUDIO_DB_VERSION and add an upgrade step for every change. */
export interface StudioSchema extends DBSchema {
  datasets: { key: string; value: DatasetRecord };
  samples: { key: [string, string]; value: SampleRecord; indexes: { byDataset: string; byHash: string } };
  blobs: { key: string; value: BlobRecord };
  thumbs: { key: string; value: ThumbRecord };
  runs: { key: string; value: RunRecord; indexes: { byCreated: number } };
  events: { key: [string, number]; value: EventRecord; indexes: { byRun: string } };
  checkpoints: { key: [string, string]; value: CheckpointRecord; indexes: { byRun: string } };
  /** Pretrained weight files by SHA-256: what they are (listed without reading the bytes)... */
  weightFiles: { key: string; value: WeightFileRecord; indexes: { byUrl: string } };
  /** ...and their bytes, written in the same transaction. */
  weightBytes: { key: string; value: WeightBytesRecord };
}

export const STUDIO_DB_NAME = 'webgpu-training-studio';
export const STUDIO_DB_VERSION = 2;

/** What the page may want to tell the user about other tabs holding the database. */
export interface StudioDbHooks {
  /** Another tab keeps an older version open, so this open waits until that tab closes or reloads. */
  onBlocked?: () => void;
  /** Another tab needs a newer schema; this connection was closed so it can upgrade, and this page must reload. */
  onClosedForUpgrade?: () => void;
}

export function openStudioDb(name: string = STUDIO_DB_NAME, hooks: StudioDbHooks = {}): Promise<IDBPDatabase<StudioSchema>> {
  return openDB<StudioSchema>(name, STUDIO_DB_VERSION, {
    upgrade(db, oldVersion) {
      // One step per schema version, applied in order, so a database from any older
      // version walks forward to the current one. Version 2 adds `if (oldVersion < 2) { ... }`.
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        const samples = db.createObjectStore('samples', { keyPath: ['datasetId', 'id'] });
        samples.createIndex('byDataset', 'datasetId');
        samples.createIndex('byHash', 'hash');
        db.createObjectStore('blobs', { keyPath: 'hash' });
        db.createObjectStore('thumbs', { keyPath: 'hash' });
        const runs = db.createObjectStore('runs', { keyPath: 'id' });
        runs.createIndex('byCreated', 'createdAt');
        const events = db.createObjectStore('events', { keyPath: ['runId', 'seq'] });
        events.createIndex('byRun', 'runId');
        const checkpoints = db.createObjectStore('checkpoints', { keyPath: ['runId', 'slot'] });
        checkpoints.createIndex('byRun', 'runId');
      }
      if (oldVersion < 2) {
        const files = db.createObjectStore('weightFiles', { keyPath: 'sha256' });
        files.createIndex('byUrl', 'url');
        db.createObjectStore('weightBytes', { keyPath: 'sha256' });
      }
    },
    blocked() {
      hooks.onBlocked?.();
    },
    blocking(_current, _blocked, event) {
      // Holding on would stall the other tab's upgrade forever; this tab's data stays on
      // disk, and it reloads onto the new schema.
      (event.target as IDBDatabase).close();
      hooks.onClosedForUpgrade?.();
    },
  });
}
