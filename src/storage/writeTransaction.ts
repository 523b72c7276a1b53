import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { StudioSchema } from './openStudioDb.ts';
import { StorageFullError } from './storageFullError.ts';

export type StudioStore = StoreNames<StudioSchema>;
export type WriteTx = IDBPTransaction<StudioSchema, StudioStore[], 'readwrite'>;

/**
 * Runs `body` in one readwrite transaction and resolves only once the transaction has
 * committed. If `body` throws, the transaction is aborted, so a write either lands whole or
 * leaves nothing behind. `what` names the write ("adding 120 samples to dataset 'shapes'")
 * for the StorageFullError a full disk turns into.
 *
 * `body` may await only IndexedDB requests of `tx`: awaiting anything else lets the
 * transaction auto-commit half done. Every request it issues must be awaited (directly or
 * through Promise.all), or an abort would surface as an unhandled rejection.
 */
export async function writeTransaction<T>(
  db: IDBPDatabase<StudioSchema>,
  stores: StudioStore[],
  what: string,
  body: (tx: WriteTx) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, 'readwrite');
  let result: T;
  try {
    result = await body(tx);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request, which is what we want anyway.
    }
    await tx.done.catch(() => undefined);
    throw asStorageFull(e, tx.error, what);
  }
  try {
    await tx.done;
  } catch (e) {
    throw asStorageFull(e, tx.error, what);
  }
  return result;
}

/** Turns a quota failure (thrown by a request, or the reason a transaction aborted) into a StorageFullError; other errors pass through. */
export function asStorageFull(error: unknown, txError: DOMException | null, what: string): unknown {
  if (!isQuotaExceeded(error) && !isQuotaExceeded(txError)) return error;
  return new StorageFullError(
    `The browser's storage is full: ${what} did not fit, so nothing of it was kept. ` +
      'Free space by deleting datasets or runs you no longer need (or allow the studio persistent storage), then try again.',
  );
}

function isQuotaExceeded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}

/** Every key of an object store keyed [owner, ...] that belongs to `owner` (arrays sort after every string and number). */
export function ownedBy(owner: string): IDBKeyRange {
  return IDBKeyRange.bound([owner], [owner, []]);
}

/**
 * Promise.all over one request per item. A request that throws as it is made (a full disk,
 * a value that cannot be cloned) aborts the transaction, which rejects the requests
 * already made; they are marked handled here so only the first error surfaces.
 */
export function requestAll<I, T>(items: readonly I[], request: (item: I, index: number) => Promise<T>): Promise<T[]> {
  const made: Promise<T>[] = [];
  try {
    items.forEach((item, i) => made.push(request(item, i)));
  } catch (e) {
    for (const p of made) p.catch(() => undefined);
    throw e;
  }
  return Promise.all(made);
}
