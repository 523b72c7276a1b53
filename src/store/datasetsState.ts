import type { StateCreator } from 'zustand/vanilla';
import type { Box } from '../core/data/sampleSource.ts';
import type { DemoDatasetKind, DemoDatasetOptions } from '../import/demoDatasets.ts';
import type { BadFile, ImportEntry, ImportOptions, ImportProgress, ImportReport } from '../import/importFiles.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import type { DatasetRecord, SampleRecord } from '../storage/storageRecords.ts';
import { defaultSplitRule, nextSelection, sampleSplits, type SampleFilter, type SelectionClick, type SplitName, type SplitRule } from './datasetsBrowse.ts';
import { ThumbCache } from './datasetsThumbCache.ts';

export type DemoKind = DemoDatasetKind;

/** What the store needs from the page's world; tests pass fakes over fake-indexeddb. */
export interface DatasetsDeps {
  repo(): Promise<DatasetRepo>;
  /** importFiles with the page's probe and quota check bound. */
  importFiles(repo: DatasetRepo, entries: ImportEntry[], options: Omit<ImportOptions, 'probe' | 'ensureSpace'>): Promise<ImportReport>;
  createDemo(repo: DatasetRepo, kind: DemoKind, options?: DemoDatasetOptions): Promise<DatasetRecord>;
  /** Whether `dataset` is the generated demo of `kind` with these settings (so presets reuse it rather than make another). */
  isDemo(dataset: DatasetRecord, kind: DemoKind, options?: DemoDatasetOptions): boolean;
  /** Called after every write, so the storage used / quota on screen follows. */
  storageChanged(): void;
  requestPersistence(): Promise<boolean>;
}

export interface ImportState {
  running: boolean;
  /** The dataset being imported into, by name. */
  target?: string;
  progress?: ImportProgress;
  report?: { datasetName: string; imported: number; bad: BadFile[]; cancelled: boolean };
  error?: string;
}

export type ImportTarget = ImportOptions['target'];

export interface DatasetsState {
  datasets: DatasetRecord[];
  loaded: boolean;
  /** The last failure, in words (storage full, a name missing ...); what was there before still stands. */
  error?: string;
  /** A long action in progress ("creating the shapes demo"), for a busy indicator. */
  busy?: string;
  refresh(): Promise<void>;
  create(name: string): Promise<DatasetRecord | undefined>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  merge(ids: string[], name: string): Promise<DatasetRecord | undefined>;
  createDemo(kind: DemoKind, options?: DemoDatasetOptions): Promise<DatasetRecord | undefined>;
  /** The demo dataset of `kind` with these settings (the kind's defaults when left out), created when there is none yet. Throws on failure (callers report it). */
  ensureDemo(kind: DemoKind, options?: DemoDatasetOptions): Promise<DatasetRecord>;
  dismissError(): void;

  selectedId?: string;
  samples: SampleRecord[];
  samplesLoading: boolean;
  splitRule?: SplitRule;
  splits: ReadonlyMap<string, SplitName>;
  filter: SampleFilter;
  selection: ReadonlySet<string>;
  anchor?: string;
  select(id: string | undefined): Promise<void>;
  setFilter(filter: SampleFilter): void;
  clickSample(id: string, visibleIds: readonly string[], click: SelectionClick): void;
  setSelection(ids: Iterable<string>): void;
  relabelSelected(className: string): Promise<void>;
  deleteSelected(): Promise<void>;
  setBox(sampleId: string, bbox: Box | null): Promise<void>;
  /** Thumbnail bytes of an image, through a cache of a few hundred. */
  thumb(hash: string): Promise<Blob | undefined>;
  /** The thumbnail if the cache holds it: lets the grid skip its wait before reading storage. */
  cachedThumb(hash: string): Blob | undefined;
  /** The full encoded image (box editor, webcam preview). */
  image(hash: string): Promise<Blob | undefined>;

  imports: ImportState;
  importEntries(entries: ImportEntry[], target: ImportTarget, defaultClass?: string): Promise<ImportReport | undefined>;
  cancelImport(): void;
}

const THUMB_CACHE_SIZE = 400;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The store's state and actions; `useDatasetsStore` binds it to the page's storage. */
export function datasetsState(deps: DatasetsDeps): StateCreator<DatasetsState> {
  return (set, get) => {
    const thumbs = new ThumbCache<Blob>(THUMB_CACHE_SIZE);
    let importController: AbortController | undefined;
    let persistenceAsked = false;
    // Each select() bumps it, so a slow load of a dataset the user already left is dropped.
    let selectToken = 0;

    /** Runs a write; a failure lands in `error` and leaves the state as it was. */
    async function attempt<T>(busy: string | undefined, action: (repo: DatasetRepo) => Promise<T>): Promise<T | undefined> {
      if (busy) set({ busy });
      try {
        return await action(await deps.repo());
      } catch (e) {
        set({ error: errorMessage(e) });
        return undefined;
      } finally {
        if (busy) set({ busy: undefined });
        deps.storageChanged();
      }
    }

    /** Reads the selected dataset's samples again (after a load or a write); a failure lands in `error`. */
    async function reloadSelected(): Promise<void> {
      const id = get().selectedId;
      if (id === undefined) return;
      const token = ++selectToken;
      try {
        const { dataset, samples } = await (await deps.repo()).snapshot(id);
        if (token !== selectToken || get().selectedId !== id) return;
        const rule = defaultSplitRule(samples);
        const held = new Set(samples.map((s) => s.id));
        set((s) => ({
          samples,
          samplesLoading: false,
          splitRule: rule,
          splits: sampleSplits(samples, rule),
          selection: new Set([...s.selection].filter((x) => held.has(x))),
          datasets: s.datasets.map((d) => (d.id === dataset.id ? dataset : d)),
        }));
      } catch (e) {
        if (token === selectToken && get().selectedId === id) set({ error: `could not read the samples: ${errorMessage(e)}`, samplesLoading: false });
      }
    }

    const demosInFlight = new Map<string, Promise<DatasetRecord>>();

    /** One creation per kind and settings at a time: a double click or Home and Models asking together get the same dataset. */
    function ensureDemo(kind: DemoKind, options: DemoDatasetOptions = {}): Promise<DatasetRecord> {
      const key = JSON.stringify([kind, options.classes, options.perClass, options.imageSize, options.seed]);
      let pending = demosInFlight.get(key);
      if (!pending) {
        pending = findOrCreateDemo(kind, options).finally(() => demosInFlight.delete(key));
        demosInFlight.set(key, pending);
      }
      return pending;
    }

    async function findOrCreateDemo(kind: DemoKind, options: DemoDatasetOptions): Promise<DatasetRecord> {
      await get().refresh();
      const existing = get().datasets.find((d) => deps.isDemo(d, kind, options));
      if (existing) return existing;
      set({ busy: `creating the ${kind} demo dataset` });
      try {
        const created = await deps.createDemo(await deps.repo(), kind, options);
        await get().refresh();
        return created;
      } finally {
        set({ busy: undefined });
        deps.storageChanged();
      }
    }

    return {
      datasets: [],
      loaded: false,
      samples: [],
      samplesLoading: false,
      splits: new Map(),
      filter: {},
      selection: new Set(),
      imports: { running: false },

      async refresh() {
        try {
          const datasets = await (await deps.repo()).list();
          set({ datasets, loaded: true });
          const selected = get().selectedId;
          if (selected !== undefined && !datasets.some((d) => d.id === selected)) await get().select(undefined);
        } catch (e) {
          set({ error: `could not read the datasets: ${errorMessage(e)}`, loaded: true });
        }
      },

      async create(name) {
        const created = await attempt(undefined, (repo) => repo.create(name, 'import'));
        if (created) {
          await get().refresh();
          await get().select(created.id);
        }
        return created;
      },

      async rename(id, name) {
        if (await attempt(undefined, (repo) => repo.rename(id, name))) await get().refresh();
      },

      async remove(id) {
        const done = await attempt('deleting a dataset', async (repo) => {
          await repo.delete(id);
          return true;
        });
        if (!done) return;
        if (get().selectedId === id) await get().select(undefined);
        await get().refresh();
      },

      async merge(ids, name) {
        const merged = await attempt(`merging ${ids.length} datasets`, (repo) => repo.merge(ids, name));
        if (merged) {
          await get().refresh();
          await get().select(merged.id);
        }
        return merged;
      },

      async createDemo(kind, options) {
        try {
          const dataset = await ensureDemo(kind, options);
          await get().select(dataset.id);
          return dataset;
        } catch (e) {
          set({ error: `could not create the ${kind} demo dataset: ${errorMessage(e)}` });
          return undefined;
        }
      },

      ensureDemo,

      dismissError() {
        set({ error: undefined });
      },

      async select(id) {
        if (id === get().selectedId && get().samplesLoading) return;
        set({ selectedId: id, samples: [], splits: new Map(), splitRule: undefined, selection: new Set(), anchor: undefined, filter: {}, samplesLoading: id !== undefined });
        await reloadSelected();
      },

      setFilter(filter) {
        // A selection hidden by the filter would still be relabelled or deleted: start over.
        set({ filter, selection: new Set(), anchor: undefined });
      },

      clickSample(id, visibleIds, click) {
        const { selection, anchor } = nextSelection(get().selection, get().anchor, id, visibleIds, click);
        set({ selection, anchor });
      },

      setSelection(ids) {
        set({ selection: new Set(ids), anchor: undefined });
      },

      async relabelSelected(className) {
        const { selectedId, selection } = get();
        const name = className.trim();
        if (selectedId === undefined || selection.size === 0) return;
        if (name === '') {
          set({ error: 'a class name is needed to relabel: the one given is empty; no label was changed' });
          return;
        }
        const ids = [...selection];
        if (await attempt(`relabelling ${ids.length} samples`, (repo) => repo.updateSamples(selectedId, ids.map((id) => ({ id, className: name }))))) {
          await reloadSelected();
        }
      },

      async deleteSelected() {
        const { selectedId, selection } = get();
        if (selectedId === undefined || selection.size === 0) return;
        const ids = [...selection];
        if (await attempt(`removing ${ids.length} samples`, (repo) => repo.removeSamples(selectedId, ids))) {
          set({ selection: new Set(), anchor: undefined });
          await reloadSelected();
        }
      },

      async setBox(sampleId, bbox) {
        const { selectedId } = get();
        if (selectedId === undefined) return;
        if (await attempt(undefined, (repo) => repo.updateSamples(selectedId, [{ id: sampleId, bbox }]))) await reloadSelected();
      },

      async thumb(hash) {
        return thumbs.get(hash, async (h) => {
          const record = await (await deps.repo()).getThumb(h);
          return record ? new Blob([record.bytes], { type: record.type }) : undefined;
        });
      },

      cachedThumb(hash) {
        return thumbs.peek(hash);
      },

      async image(hash) {
        const record = await (await deps.repo()).getBlob(hash);
        return record ? new Blob([record.bytes], { type: record.type }) : undefined;
      },

      async importEntries(entries, target, defaultClass) {
        if (get().imports.running) {
          set({ error: 'an import is already running: wait for it or cancel it first' });
          return undefined;
        }
        const targetName = 'newName' in target ? target.newName : (get().datasets.find((d) => d.id === target.datasetId)?.name ?? 'the dataset');
        importController = new AbortController();
        set({ imports: { running: true, target: targetName } });
        try {
          if (!persistenceAsked) {
            persistenceAsked = true;
            // Imported images are the user's work: ask once that the browser not evict them.
            await deps.requestPersistence().catch(() => false);
          }
          const repo = await deps.repo();
          const report = await deps.importFiles(repo, entries, {
            target,
            ...(defaultClass ? { defaultClass } : {}),
            signal: importController.signal,
            onProgress: (progress) => set((s) => ({ imports: { ...s.imports, progress } })),
          });
          set((s) => ({
            imports: {
              running: false,
              target: s.imports.target,
              progress: s.imports.progress,
              report: { datasetName: report.dataset.name, imported: report.imported, bad: report.bad, cancelled: report.cancelled },
            },
          }));
          await get().refresh();
          if (!report.cancelled) {
            if (get().selectedId === report.dataset.id) await reloadSelected();
            else await get().select(report.dataset.id);
          }
          return report;
        } catch (e) {
          set((s) => ({ imports: { running: false, target: s.imports.target, progress: s.imports.progress, error: errorMessage(e) } }));
          await get().refresh();
          return undefined;
        } finally {
          importController = undefined;
          deps.storageChanged();
        }
      },

      cancelImport() {
        importController?.abort();
      },
    };
  };
}
