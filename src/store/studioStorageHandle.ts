import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';

let opened: Promise<StudioStorage> | undefined;

/**
 * The page's one connection to IndexedDB, opened on first use and shared by every store.
 * A failed open is not cached, so a retry (after the user frees space or closes a
 * blocking tab) can succeed.
 */
export function studioStorage(): Promise<StudioStorage> {
  opened ??= openStudioStorage().catch((e: unknown) => {
    opened = undefined;
    throw e;
  });
  return opened;
}
