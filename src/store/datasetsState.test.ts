import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ImportReport } from '../import/importFiles.ts';
import { encodePng } from '../import/encodePng.ts';
import { importFiles } from '../import/importFiles.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import { sharpProbe } from '../import/testing/sharpProbe.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import { StorageFullError } from '../storage/storageFullError.ts';
import type { DatasetRecord, StagedSample } from '../storage/storageRecords.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { datasetsState, type DatasetsDeps, type DatasetsState } from './datasetsState.ts';

/** A 2 x 2 binary PGM of one grey value: distinct values give distinct bytes and hashes. */
function pgm(value: number): Uint8Array {
  const header = new TextEncoder().encode('P5\n2 2\n255\n');
  const bytes = new Uint8Array(header.length + 4);
  bytes.set(header);
  bytes.fill(value, header.length);
  return bytes;
}

/** Stores `values` as samples of class `className` in a dataset, as an import would. */
async function addSamples(repo: DatasetRepo, datasetId: string, className: string, values: number[], extra: Partial<StagedSample> = {}): Promise<DatasetRecord> {
  const staged: StagedSample[] = [];
  for (const value of values) {
    const bytes = pgm(value);
    const hash = await sha256Hex(bytes);
    await repo.putBlob({ hash, type: 'image/x-portable-anymap', bytes: bytes.slice().buffer, width: 2, height: 2 }, { hash, type: 'image/png', bytes: new Uint8Array([value]).buffer });
    staged.push({ id: hash, hash, name: `${className}/${value}.pgm`, className, width: 2, height: 2, ...extra });
  }
  return (await repo.commitSamples(datasetId, staged)).dataset;
}

let storage: StudioStorage;
let deps: DatasetsDeps;
let storageChanged: ReturnType<typeof vi.fn<() => void>>;
let requestPersistence: ReturnType<typeof vi.fn<() => Promise<boolean>>>;
let store: StoreApi<DatasetsState>;

beforeEach(async () => {
  storage = await openStudioStorage(`ds-${crypto.randomUUID()}`);
  storageChanged = vi.fn<() => void>();
  requestPersistence = vi.fn<() => Promise<boolean>>(async () => true);
  deps = {
    repo: async () => storage.datasets,
    importFiles: () => Promise.reject(new Error('not used here')),
    createDemo: async (repo, kind) => {
      const d = await repo.create(`${kind} (demo)`, 'demo');
      return addSamples(repo, d.id, 'circle', [1, 2, 3]);
    },
    isDemo: (d, kind) => d.origin === 'demo' && d.name === `${kind} (demo)`,
    storageChanged,
    requestPersistence,
  };
  store = createStore(datasetsState(deps));
});

afterEach(() => storage.db.close());

describe('datasets store: the list', () => {
  it('creates, renames, merges and deletes datasets, keeping the list current', async () => {
    const s = () => store.getState();
    const a = await s().create('cats');
    expect(a?.name).toBe('cats');
    expect(s().selectedId).toBe(a?.id);
    const b = await s().create('dogs');
    await addSamples(storage.datasets, a!.id, 'cat', [1, 2]);
    await addSamples(storage.datasets, b!.id, 'dog', [3]);
    await s().rename(a!.id, 'house cats');
    expect(s().datasets.map((d) => d.name).sort()).toEqual(['dogs', 'house cats']);

    const merged = await s().merge([a!.id, b!.id], 'pets');
    expect(merged).toMatchObject({ name: 'pets', origin: 'merge', sampleCount: 3, classCounts: { cat: 2, dog: 1 } });
    expect(s().selectedId).toBe(merged?.id);
    expect(s().samples).toHaveLength(3);

    await s().remove(merged!.id);
    expect(s().selectedId).toBeUndefined();
    expect(s().samples).toEqual([]);
    expect(s().datasets.map((d) => d.name).sort()).toEqual(['dogs', 'house cats']);
    expect(storageChanged).toHaveBeenCalled();
  });

  it('reports a failed write in words and keeps what stood', async () => {
    const a = await store.getState().create('cats');
    await store.getState().rename(a!.id, '   ');
    expect(store.getState().error).toMatch(/needs a name: the one given is empty/);
    expect(store.getState().datasets[0].name).toBe('cats');
    store.getState().dismissError();
    expect(store.getState().error).toBeUndefined();
  });

  it('reuses the demo dataset of a kind instead of generating another', async () => {
    const [first, twin] = await Promise.all([store.getState().ensureDemo('shapes'), store.getState().ensureDemo('shapes')]);
    const again = await store.getState().ensureDemo('shapes');
    expect(twin.id).toBe(first.id);
    expect(again.id).toBe(first.id);
    expect(store.getState().datasets.filter((d) => d.origin === 'demo')).toHaveLength(1);
    const faces = await store.getState().createDemo('faces');
    expect(faces?.name).toBe('faces (demo)');
    expect(store.getState().selectedId).toBe(faces?.id);
  });
});

describe('datasets store: browsing and labelling', () => {
  async function selectedWith(): Promise<DatasetRecord> {
    const d = await storage.datasets.create('shapes', 'import');
    await addSamples(storage.datasets, d.id, 'circle', [1, 2, 3, 4, 5, 6]);
    const full = await addSamples(storage.datasets, d.id, 'square', [11, 12, 13, 14, 15, 16]);
    await store.getState().refresh();
    await store.getState().select(d.id);
    return full;
  }

  it('loads the samples with the default split of every sample', async () => {
    await selectedWith();
    const { samples, splits, splitRule } = store.getState();
    expect(samples).toHaveLength(12);
    // Schema defaults (src/core/spec/runSpec.ts): 70 / 15 / 15, seed 42; no identities, so per class.
    expect(splitRule).toEqual({ train: 0.7, val: 0.15, test: 0.15, seed: 42, by: 'stratified' });
    const perSplit = { train: 0, val: 0, test: 0 };
    for (const s of samples) perSplit[splits.get(s.id)!]++;
    // 6 per class: floor(4.2) = 4 train, then one each for val and test (largest remainders).
    expect(perSplit).toEqual({ train: 8, val: 2, test: 2 });
  });

  it('relabels the selection and gets a new version', async () => {
    const before = await selectedWith();
    const circles = store.getState().samples.filter((s) => s.className === 'circle').map((s) => s.id);
    store.getState().setSelection(circles.slice(0, 2));
    await store.getState().relabelSelected(' triangle ');
    const after = store.getState().datasets.find((d) => d.id === before.id)!;
    expect(after.classCounts).toEqual({ circle: 4, square: 6, triangle: 2 });
    expect(after.version).not.toBe(before.version);
    expect(store.getState().samples.filter((s) => s.className === 'triangle').map((s) => s.id).sort()).toEqual(circles.slice(0, 2).sort());
  });

  it('refuses an empty class name and changes nothing', async () => {
    const before = await selectedWith();
    store.getState().setSelection([store.getState().samples[0].id]);
    await store.getState().relabelSelected('  ');
    expect(store.getState().error).toMatch(/class name is needed/);
    expect((await storage.datasets.get(before.id))?.version).toBe(before.version);
  });

  it('deletes the selection and clears it', async () => {
    const before = await selectedWith();
    const ids = store.getState().samples.slice(0, 3).map((s) => s.id);
    store.getState().setSelection(ids);
    await store.getState().deleteSelected();
    expect(store.getState().samples).toHaveLength(9);
    expect(store.getState().selection.size).toBe(0);
    expect(store.getState().datasets.find((d) => d.id === before.id)?.sampleCount).toBe(9);
  });

  it('saves and removes a box', async () => {
    await selectedWith();
    const id = store.getState().samples[0].id;
    await store.getState().setBox(id, [0.1, 0.2, 0.5, 0.6]);
    expect(store.getState().samples.find((s) => s.id === id)?.bbox).toEqual([0.1, 0.2, 0.5, 0.6]);
    expect(store.getState().datasets[0].boxCount).toBe(1);
    await store.getState().setBox(id, null);
    expect(store.getState().samples.find((s) => s.id === id)?.bbox).toBeUndefined();
  });

  it('clears the selection when the filter changes, so hidden samples are never edited', async () => {
    await selectedWith();
    store.getState().setSelection(store.getState().samples.map((s) => s.id));
    store.getState().setFilter({ className: 'circle' });
    expect(store.getState().selection.size).toBe(0);
    expect(store.getState().filter).toEqual({ className: 'circle' });
  });

  it('extends the selection with shift over the visible order', async () => {
    await selectedWith();
    const ids = store.getState().samples.map((s) => s.id);
    store.getState().clickSample(ids[2], ids, { range: false, toggle: false });
    store.getState().clickSample(ids[5], ids, { range: true, toggle: false });
    expect([...store.getState().selection].sort()).toEqual(ids.slice(2, 6).sort());
  });

  it('reads thumbnails once and serves them from the cache', async () => {
    await selectedWith();
    const spy = vi.spyOn(storage.datasets, 'getThumb');
    const hash = store.getState().samples[0].hash;
    const [a, b] = await Promise.all([store.getState().thumb(hash), store.getState().thumb(hash)]);
    const c = await store.getState().thumb(hash);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a?.type).toBe('image/png');
  });
});

describe('datasets store: imports', () => {
  it('tracks progress, keeps the report, asks for persistence once and selects the result', async () => {
    const target = await storage.datasets.create('pets', 'import');
    deps.importFiles = async (repo, _entries, options): Promise<ImportReport> => {
      options.onProgress?.({ done: 1, total: 2, imported: 1, bad: 0, bytes: 10, filesPerSec: 5, etaSec: 0.2 });
      expect(store.getState().imports).toMatchObject({ running: true, target: 'pets', progress: { done: 1, total: 2 } });
      const dataset = await addSamples(repo, target.id, 'cat', [7]);
      return { dataset, imported: 1, bad: [{ path: 'cat/x.png', reason: 'not an image (text)' }], cancelled: false };
    };
    store = createStore(datasetsState(deps));
    await store.getState().refresh();
    await store.getState().importEntries([], { datasetId: target.id });
    await store.getState().importEntries([], { datasetId: target.id });
    const { imports, selectedId, samples } = store.getState();
    expect(imports.running).toBe(false);
    expect(imports.report).toEqual({ datasetName: 'pets', imported: 1, bad: [{ path: 'cat/x.png', reason: 'not an image (text)' }], cancelled: false });
    expect(selectedId).toBe(target.id);
    expect(samples).toHaveLength(1);
    expect(requestPersistence).toHaveBeenCalledTimes(1);
  });

  it('runs the real importer end to end: good files land in a new dataset, bad ones are reported', async () => {
    deps.importFiles = (repo, entries, options) => importFiles(repo, entries, { ...options, probe: sharpProbe });
    store = createStore(datasetsState(deps));
    const png = encodePng({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(200) });
    const entries = [
      { path: 'pets/cat/a.png', file: new Blob([png]) },
      { path: 'pets/cat/b.png', file: new Blob(['not a picture']) },
    ];
    const report = await store.getState().importEntries(entries, { newName: 'pets' });
    expect(report?.imported).toBe(1);
    const { imports, samples, selectedId, datasets } = store.getState();
    expect(imports.report?.bad).toEqual([{ path: 'pets/cat/b.png', reason: expect.stringMatching(/^not an image/) }]);
    expect(datasets.find((d) => d.id === selectedId)?.name).toBe('pets');
    expect(samples.map((s) => [s.name, s.className])).toEqual([['cat/a.png', 'cat']]);
  });

  it('cancels through the abort signal', async () => {
    let seen: AbortSignal | undefined;
    deps.importFiles = (_repo, _entries, options) =>
      new Promise((resolve) => {
        seen = options.signal;
        options.signal?.addEventListener('abort', async () =>
          resolve({ dataset: await storage.datasets.create('x', 'import'), imported: 0, bad: [], cancelled: true }),
        );
      });
    store = createStore(datasetsState(deps));
    const running = store.getState().importEntries([], { newName: 'x' });
    await vi.waitFor(() => expect(seen).toBeDefined());
    store.getState().cancelImport();
    await running;
    expect(seen?.aborted).toBe(true);
    expect(store.getState().imports.report?.cancelled).toBe(true);
    expect(store.getState().selectedId).toBeUndefined();
  });

  it('shows a full disk as the import error and refuses a second import meanwhile', async () => {
    let release!: () => void;
    deps.importFiles = () =>
      new Promise((_resolve, reject) => {
        release = () => reject(new StorageFullError('importing 3 images needs about 12.0 MB; this browser allows 1.0 MB more. Nothing was written.'));
      });
    store = createStore(datasetsState(deps));
    const first = store.getState().importEntries([], { newName: 'big' });
    await vi.waitFor(() => expect(release).toBeDefined());
    await store.getState().importEntries([], { newName: 'other' });
    expect(store.getState().error).toMatch(/already running/);
    release();
    await first;
    expect(store.getState().imports).toMatchObject({ running: false, error: expect.stringMatching(/needs about 12.0 MB.*Nothing was written/) });
  });
});
