import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageFullError } from '../storage/storageFullError.ts';
import { ensureSpace } from '../storage/storageQuota.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { importFiles, type ImportEntry } from './importFiles.ts';
import { entry, pngOf } from './testing/importFixtures.ts';
import { sharpProbe } from './testing/sharpProbe.ts';

let storage: StudioStorage;

beforeEach(async () => {
  storage = await openStudioStorage(`rollback-${crypto.randomUUID()}`);
});

afterEach(() => {
  vi.restoreAllMocks();
  storage.db.close();
});

const images = (count: number, from = 100): ImportEntry[] => Array.from({ length: count }, (_, i) => entry(`cls${i % 2}/${i}.png`, pngOf(from + i)));

/** The state an aborted import must leave untouched: datasets, samples of each, and the stored bytes. */
async function snapshot() {
  const datasets = await storage.datasets.list();
  const samples = await Promise.all(datasets.map((d) => storage.datasets.samples(d.id)));
  return { datasets, samples, blobs: await storage.db.count('blobs'), thumbs: await storage.db.count('thumbs') };
}

/** An existing dataset with a few images, so "unchanged" has something to hold. */
async function existingDataset() {
  const report = await importFiles(storage.datasets, images(3, 1), { target: { newName: 'Existing' }, probe: sharpProbe });
  return report.dataset;
}

describe('importFiles: cancel', () => {
  it('leaves no dataset and no bytes when cancelled partway into a new dataset', async () => {
    const stored = vi.spyOn(storage.datasets, 'putBlob');
    const controller = new AbortController();
    const report = await importFiles(storage.datasets, images(8), {
      target: { newName: 'Half' },
      probe: sharpProbe,
      signal: controller.signal,
      // The first report comes after the first file was stored; cancel there.
      onProgress: (p) => {
        if (p.done >= 1) controller.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.imported).toBe(0);
    // Some bytes were staged before the cancel, and stopped short of all 8; none of them remain.
    expect(stored.mock.calls.length).toBeGreaterThan(0);
    expect(stored.mock.calls.length).toBeLessThan(8);
    expect(await snapshot()).toEqual({ datasets: [], samples: [], blobs: 0, thumbs: 0 });
  });

  it('leaves an existing dataset exactly as it was', async () => {
    const before = await existingDataset();
    const state = await snapshot();
    const controller = new AbortController();
    const report = await importFiles(storage.datasets, images(6), {
      target: { datasetId: before.id },
      probe: sharpProbe,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(report).toMatchObject({ cancelled: true, imported: 0, dataset: { id: before.id, version: before.version } });
    expect(await snapshot()).toEqual(state);
  });
});

describe('importFiles: storage full', () => {
  it('refuses before starting when the quota cannot hold the images, creating nothing', async () => {
    const full = { estimate: async () => ({ usage: 990, quota: 1000 }) };
    const run = importFiles(storage.datasets, images(4), { target: { newName: 'Too big' }, probe: sharpProbe, ensureSpace: (b, w) => ensureSpace(b, w, full) });
    await expect(run).rejects.toBeInstanceOf(StorageFullError);
    await expect(run).rejects.toThrow(/^Nothing was imported: no dataset 'Too big' was created\. importing 4 images .* into 'Too big' needs about/);
    expect(await snapshot()).toEqual({ datasets: [], samples: [], blobs: 0, thumbs: 0 });
  });

  it('stops at the re-check mid-import and leaves the target dataset unchanged', async () => {
    const before = await existingDataset();
    const state = await snapshot();
    const checks: number[] = [];
    const stored = vi.spyOn(storage.datasets, 'putBlob');
    const run = importFiles(storage.datasets, images(60), {
      target: { datasetId: before.id },
      probe: sharpProbe,
      // Room for the start, then the disk fills: the check after 50 files fails.
      ensureSpace: async (bytes, what) => {
        checks.push(bytes);
        if (checks.length > 1) throw new StorageFullError(`${what} needs about ${bytes} bytes; 0 bytes more allowed.`, bytes, 0);
      },
    });
    await expect(run).rejects.toThrow(/^Nothing was imported: dataset 'Existing' is unchanged\. importing 60 images/);
    expect(checks).toHaveLength(2);
    expect(stored).toHaveBeenCalledTimes(50);
    // The re-check asks only for what is left: 10 of 60 equal-sized files.
    expect(checks[1]).toBeCloseTo(checks[0] / 6, 6);
    expect(await snapshot()).toEqual(state);
  });

  it('undoes everything when a write fails for any other reason, and says so', async () => {
    const putBlob = storage.datasets.putBlob.bind(storage.datasets);
    let calls = 0;
    vi.spyOn(storage.datasets, 'putBlob').mockImplementation(async (blob, thumb) => {
      if (++calls === 3) throw new Error('disk on fire');
      return putBlob(blob, thumb);
    });
    await expect(importFiles(storage.datasets, images(5), { target: { newName: 'Doomed' }, probe: sharpProbe })).rejects.toThrow(
      "importing into 'Doomed' failed: disk on fire. Nothing was imported; no dataset 'Doomed' was created.",
    );
    expect(await snapshot()).toEqual({ datasets: [], samples: [], blobs: 0, thumbs: 0 });
  });
});
