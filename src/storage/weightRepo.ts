import type { IDBPDatabase } from 'idb';
import { sha256Hex } from '../import/sha256Hex.ts';
import type { StudioSchema } from './openStudioDb.ts';
import type { WeightFileRecord } from './storageRecords.ts';
import { requestAll, writeTransaction } from './writeTransaction.ts';

const SHA256 = /^[0-9a-f]{64}$/;

/** What is known about a file when it is kept: its name, and the URL it came from. */
export interface WeightFileSource {
  name: string;
  url?: string;
  holds?: string;
}

/**
 * Pretrained weight files kept by content (SHA-256) in IndexedDB: one copy per content
 * whatever it was called or wherever it came from, so a spec naming the hash trains again
 * without the file, and a URL fetched once needs no network the second time. A file lands
 * whole (its record and its bytes in one transaction) or not at all: a full disk raises
 * StorageFullError and leaves every file kept before as it was.
 */
export class WeightRepo {
  constructor(private readonly db: IDBPDatabase<StudioSchema>) {}

  /** Keeps `bytes` under their SHA-256 (a file already kept gains the new URL, if any) and returns its record. */
  async put(bytes: Uint8Array, source: WeightFileSource, now = Date.now()): Promise<WeightFileRecord> {
    if (bytes.byteLength === 0) throw new Error(`cannot keep the weights “${source.name}”: the file is empty`);
    const sha256 = await sha256Hex(bytes);
    // A copy onto a buffer of its own: a view onto a larger (or shared) buffer would store all of it.
    const own = bytes.slice().buffer;
    return writeTransaction(this.db, ['weightFiles', 'weightBytes'], `keeping the weights “${source.name}” (${bytes.byteLength} bytes)`, async (tx) => {
      const files = tx.objectStore('weightFiles');
      const known = await files.get(sha256);
      const record: WeightFileRecord = {
        sha256,
        size: bytes.byteLength,
        name: known?.name ?? source.name,
        addedAt: known?.addedAt ?? now,
        ...((source.url ?? known?.url) !== undefined ? { url: source.url ?? known?.url } : {}),
        ...((source.holds ?? known?.holds) !== undefined ? { holds: source.holds ?? known?.holds } : {}),
      };
      if (known) {
        await files.put(record);
        return record;
      }
      await requestAll([0, 1], (i) => (i === 0 ? files.put(record) : tx.objectStore('weightBytes').put({ sha256, bytes: own })));
      return record;
    });
  }

  /** The bytes kept under `sha256`, or undefined when this browser has none. */
  async bytes(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256.test(sha256)) throw new Error(`“${sha256}” is not a SHA-256 (64 lowercase hex digits)`);
    const record = await this.db.get('weightBytes', sha256);
    return record ? new Uint8Array(record.bytes) : undefined;
  }

  get(sha256: string): Promise<WeightFileRecord | undefined> {
    return this.db.get('weightFiles', sha256);
  }

  /** The file last downloaded from `url`, if it is kept. */
  async byUrl(url: string): Promise<WeightFileRecord | undefined> {
    return (await this.db.getAllFromIndex('weightFiles', 'byUrl', url)).sort((a, b) => b.addedAt - a.addedAt)[0];
  }

  /** Every kept file, newest first; the bytes are not read. */
  async list(): Promise<WeightFileRecord[]> {
    return (await this.db.getAll('weightFiles')).sort((a, b) => b.addedAt - a.addedAt);
  }

  async delete(sha256: string): Promise<void> {
    await writeTransaction(this.db, ['weightFiles', 'weightBytes'], `deleting the weights ${sha256.slice(0, 12)}`, async (tx) => {
      await requestAll(['weightFiles', 'weightBytes'] as const, (store) => tx.objectStore(store).delete(sha256));
    });
  }
}
