import { formatBytes } from './formatBytes.ts';
import { StorageFullError } from './storageFullError.ts';
import type { StorageEstimate } from './storageRecords.ts';

/** The part of navigator.storage the studio reads; tests pass their own. */
export interface QuotaSource {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

function browserStorage(): QuotaSource | undefined {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : undefined;
}

/** Usage and quota for this origin; without the Storage API (old browsers, Node) the quota is unknown and so unlimited. */
export async function estimateStorage(source: QuotaSource | undefined = browserStorage()): Promise<StorageEstimate> {
  if (!source) return { usage: 0, quota: Infinity, persisted: false };
  const [{ usage, quota }, persisted] = await Promise.all([source.estimate(), source.persisted?.() ?? false]);
  return { usage: usage ?? 0, quota: quota ?? Infinity, persisted };
}

/** Asks the browser not to evict the studio's data under storage pressure; true when granted. */
export async function requestPersistence(source: QuotaSource | undefined = browserStorage()): Promise<boolean> {
  return (await source?.persist?.()) ?? false;
}

/**
 * Throws StorageFullError when the browser will not give `bytes` more, before a large
 * write starts (an import, say), so the user hears it up front rather than halfway.
 * `what` names the write: "importing 120 images".
 */
export async function ensureSpace(bytes: number, what: string, source: QuotaSource | undefined = browserStorage()): Promise<void> {
  const { usage, quota } = await estimateStorage(source);
  const available = Math.max(0, quota - usage);
  if (available >= bytes) return;
  throw new StorageFullError(
    `${what} needs about ${formatBytes(bytes)}; this browser allows ${formatBytes(available)} more. ` +
      'Nothing was written. Delete datasets or runs you no longer need, or allow the studio persistent storage, then try again.',
    bytes,
    available,
  );
}
