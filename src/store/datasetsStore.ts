import { create } from 'zustand';
import { browserProbe } from '../import/browserProbe.ts';
import { createDemoDataset, demoDatasetName } from '../import/demoDatasets.ts';
import { importFiles } from '../import/importFiles.ts';
import { requestPersistence } from '../storage/storageQuota.ts';
import { datasetsState } from './datasetsState.ts';
import { useSessionStore } from './sessionStore.ts';
import { studioStorage } from './studioStorageHandle.ts';

export type { DatasetsState, DemoKind, ImportState, ImportTarget } from './datasetsState.ts';

/** Datasets, the one being browsed, and imports, over the page's IndexedDB connection. */
export const useDatasetsStore = create(
  datasetsState({
    repo: async () => (await studioStorage()).datasets,
    importFiles: (repo, entries, options) => importFiles(repo, entries, { ...options, probe: browserProbe }),
    createDemo: (repo, kind, options) => createDemoDataset(repo, kind, options),
    // createDemoDataset names its datasets by their kind and settings.
    isDemo: (dataset, kind, options) => dataset.origin === 'demo' && dataset.name === demoDatasetName(kind, options),
    // The estimate on screen is a convenience: failing to refresh it must not fail the write that preceded it.
    storageChanged: () => void useSessionStore.getState().refreshStorage().catch(() => undefined),
    requestPersistence: () => requestPersistence(),
  }),
);
