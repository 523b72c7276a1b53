import type { IDBPDatabase } from 'idb';
import type { DatasetOrigin, DatasetRecord, SampleRecord, StagedSample, ThumbRecord, BlobRecord } from './storageRecords.ts';
import type { StudioSchema } from './openStudioDb.ts';
import { formatBytes } from './formatBytes.ts';
import { labelProblem, sampleProblem } from './sampleProblem.ts';
import { summarizeSamples } from './summarizeSamples.ts';
import { ownedBy, requestAll, writeTransaction, type WriteTx } from './writeTransaction.ts';

export type SampleChange = { id: string; className?: string; identity?: string | null; bbox?: SampleRecord['bbox'] | null };

/**
 * Datasets, their samples and the content-addressed image bytes.
 *
 * Writes that change what a dataset holds (commitSamples, relabel, removeSamples, merge)
 * run in one IndexedDB transaction each, recompute the dataset's version and counts in
 * that same transaction, and so either land whole or not at all. Image bytes are written
 * first with putBlob (idempotent, shared across datasets); bytes that no sample
 * references any more are removed by collectGarbage().
 */
export class DatasetRepo {
  /**
   * Hashes this repo stored with putBlob that no commit has referenced yet, i.e. an import
   * still in progress. The sweeps after delete and removeSamples spare them, so deleting a
   * dataset while another imports does not pull the bytes from under the import.
   */
  private readonly pending = new Set<string>();

  constructor(private readonly db: IDBPDatabase<StudioSchema>) {}

  /** Newest first. */
  async list(): Promise<DatasetRecord[]> {
    const all = await this.db.getAll('datasets');
    return all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }
  get(id: string): Promise<DatasetRecord | undefined> {
    return this.db.get('datasets', id);
  }
  async create(name: string, origin: DatasetOrigin, description?: string): Promise<DatasetRecord> {
    const clean = checkName(name);
    const now = Date.now();
    const record: DatasetRecord = {
      id: crypto.randomUUID(),
      name: clean,
      createdAt: now,
      updatedAt: now,
      ...summarizeSamples([]),
      origin,
      ...(description ? { description } : {}),
    };
    await writeTransaction(this.db, ['datasets'], `creating dataset '${clean}'`, async (tx) => {
      await tx.objectStore('datasets').add(record);
    });
    return record;
  }
  async rename(id: string, name: string): Promise<DatasetRecord> {
    const clean = checkName(name);
    return writeTransaction(this.db, ['datasets'], `renaming a dataset to '${clean}'`, async (tx) => {
      const record = await tx.objectStore('datasets').get(id);
      if (!record) throw noDataset(id, 'nothing was renamed');
      const renamed = { ...record, name: clean, updatedAt: Date.now() };
      await tx.objectStore('datasets').put(renamed);
      return renamed;
    });
  }
  /** Deletes the dataset and its samples, then the bytes nothing else references. */
  async delete(id: string): Promise<void> {
    await writeTransaction(this.db, ['datasets', 'samples'], `deleting a dataset`, async (tx) => {
      if (!(await tx.objectStore('datasets').getKey(id))) throw noDataset(id, 'nothing was deleted');
      await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('samples').delete(ownedBy(id))]);
    });
    await this.sweep(this.pending);
  }
  /** Stores encoded bytes and their thumbnail under the content hash (no-op if present). */
  async putBlob(blob: BlobRecord, thumb: ThumbRecord): Promise<void> {
    if (blob.hash !== thumb.hash) {
      throw new Error(`putBlob: the thumbnail's hash ${thumb.hash} differs from its image's hash ${blob.hash}; nothing was stored`);
    }
    // Registered before the write, so a sweep that runs right after it already spares the bytes.
    this.pending.add(blob.hash);
    const what = `storing image ${blob.hash.slice(0, 12)} (${formatBytes(blob.bytes.byteLength + thumb.bytes.byteLength)})`;
    await writeTransaction(this.db, ['blobs', 'thumbs'], what, async (tx) => {
      if ((await tx.objectStore('blobs').getKey(blob.hash)) !== undefined) return;
      await requestAll([() => tx.objectStore('blobs').put(blob), () => tx.objectStore('thumbs').put(thumb)], (put) => put());
    });
  }
  async hasBlob(hash: string): Promise<boolean> {
    return (await this.db.getKey('blobs', hash)) !== undefined;
  }
  getBlob(hash: string): Promise<BlobRecord | undefined> {
    return this.db.get('blobs', hash);
  }
  getThumb(hash: string): Promise<ThumbRecord | undefined> {
    return this.db.get('thumbs', hash);
  }
  /**
   * Adds staged samples to a dataset in one transaction (their blobs must already be
   * stored). Samples whose id the dataset already holds are returned as duplicates and
   * not written. Returns the updated record.
   */
  async commitSamples(datasetId: string, samples: StagedSample[]): Promise<{ dataset: DatasetRecord; duplicates: StagedSample[] }> {
    const invalid = samples.flatMap((s) => {
      const problem = sampleProblem(s);
      return problem ? [`${s.name || s.id}: ${problem}`] : [];
    });
    if (invalid.length > 0) {
      throw new Error(`cannot add ${samples.length} samples: ${invalid.length} are invalid (${listSome(invalid)}); nothing was added`);
    }
    const name = (await this.get(datasetId))?.name ?? datasetId;
    const what = `adding ${samples.length} samples to dataset '${name}'`;
    const result = await writeTransaction(this.db, ['datasets', 'samples', 'blobs'], what, async (tx) => {
      const store = tx.objectStore('samples');
      if (!(await tx.objectStore('datasets').getKey(datasetId))) throw noDataset(datasetId, 'nothing was added');
      const held = new Set((await store.index('byDataset').getAllKeys(datasetId)).map((key) => key[1]));
      const fresh: StagedSample[] = [];
      const duplicates: StagedSample[] = [];
      for (const s of samples) {
        if (held.has(s.id)) {
          duplicates.push(s);
        } else {
          held.add(s.id);
          fresh.push(s);
        }
      }
      const hashes = [...new Set(fresh.map((s) => s.hash))];
      const found = await requestAll(hashes, (h) => tx.objectStore('blobs').getKey(h));
      const missing = new Set(hashes.filter((_, i) => found[i] === undefined));
      if (missing.size > 0) {
        const names = fresh.filter((s) => missing.has(s.hash)).map((s) => `${s.name} (${s.hash.slice(0, 12)})`);
        throw new Error(
          `cannot add samples to dataset '${name}': the image bytes of ${names.length} of them are not stored (${listSome(names)}); ` +
            'store them with putBlob first. Nothing was added.',
        );
      }
      if (fresh.length === 0) return { dataset: await refreshDataset(tx, datasetId, null), duplicates };
      const now = Date.now();
      await requestAll(fresh, (s) => store.put({ ...s, datasetId, addedAt: now }));
      return { dataset: await refreshDataset(tx, datasetId, now), duplicates };
    });
    for (const s of samples) this.pending.delete(s.hash);
    return result;
  }
  /** Samples of a dataset, in a stable order (className, then name). */
  async samples(datasetId: string): Promise<SampleRecord[]> {
    return (await this.snapshot(datasetId)).samples;
  }
  /** The dataset record and its samples (in samples()' order) read in one transaction, so the version matches the samples. */
  async snapshot(datasetId: string): Promise<{ dataset: DatasetRecord; samples: SampleRecord[] }> {
    const tx = this.db.transaction(['datasets', 'samples'], 'readonly');
    const [dataset, samples] = await Promise.all([
      tx.objectStore('datasets').get(datasetId),
      tx.objectStore('samples').index('byDataset').getAll(datasetId),
    ]);
    if (!dataset) throw noDataset(datasetId, 'it may have been deleted');
    samples.sort((a, b) => compareText(a.className, b.className) || compareText(a.name, b.name) || compareText(a.id, b.id));
    return { dataset, samples };
  }
  /** Changes class, identity or box of samples; one transaction, new version. */
  async updateSamples(datasetId: string, changes: SampleChange[]): Promise<DatasetRecord> {
    const invalid = changes.flatMap((c) => {
      const problem = labelProblem(c);
      return problem ? [`sample ${c.id}: ${problem}`] : [];
    });
    if (invalid.length > 0) throw new Error(`cannot change labels: ${listSome(invalid)}; no label was changed`);
    return writeTransaction(this.db, ['datasets', 'samples'], `changing the labels of ${changes.length} samples`, async (tx) => {
      const store = tx.objectStore('samples');
      const dataset = await tx.objectStore('datasets').get(datasetId);
      if (!dataset) throw noDataset(datasetId, 'no label was changed');
      const current = await requestAll(changes, (c) => store.get([datasetId, c.id]));
      const unknown = changes.filter((_, i) => !current[i]).map((c) => c.id);
      if (unknown.length > 0) throw new Error(`dataset '${dataset.name}' has no sample ${listSome(unknown)}; no label was changed`);
      if (changes.length === 0) return dataset;
      const changed = new Map<string, SampleRecord>();
      changes.forEach((c, i) => changed.set(c.id, applyChange(changed.get(c.id) ?? (current[i] as SampleRecord), c)));
      await requestAll([...changed.values()], (s) => store.put(s));
      return refreshDataset(tx, datasetId, Date.now());
    });
  }
  async removeSamples(datasetId: string, ids: string[]): Promise<DatasetRecord> {
    const record = await writeTransaction(this.db, ['datasets', 'samples'], `removing ${ids.length} samples`, async (tx) => {
      const store = tx.objectStore('samples');
      const dataset = await tx.objectStore('datasets').get(datasetId);
      if (!dataset) throw noDataset(datasetId, 'nothing was removed');
      const unique = [...new Set(ids)];
      const found = await requestAll(unique, (id) => store.getKey([datasetId, id]));
      const unknown = unique.filter((_, i) => found[i] === undefined);
      if (unknown.length > 0) throw new Error(`dataset '${dataset.name}' has no sample ${listSome(unknown)}; nothing was removed`);
      if (unique.length === 0) return dataset;
      await requestAll(unique, (id) => store.delete([datasetId, id]));
      return refreshDataset(tx, datasetId, Date.now());
    });
    await this.sweep(this.pending);
    return record;
  }
  /** A new dataset holding the samples of all sources (bytes shared, not copied); same hash in two sources is kept once. */
  async merge(sourceIds: string[], name: string): Promise<DatasetRecord> {
    const clean = checkName(name);
    const sources = [...new Set(sourceIds)];
    if (sources.length === 0) throw new Error(`cannot merge into '${clean}': no source dataset was given`);
    return writeTransaction(this.db, ['datasets', 'samples'], `merging ${sources.length} datasets into '${clean}'`, async (tx) => {
      const datasets = tx.objectStore('datasets');
      const store = tx.objectStore('samples');
      const records = await requestAll(sources, (id) => datasets.get(id));
      const lists = await requestAll(sources, (id) => store.index('byDataset').getAll(id));
      const unknown = sources.filter((_, i) => !records[i]);
      if (unknown.length > 0) throw new Error(`cannot merge into '${clean}': no dataset with id ${listSome(unknown)}; nothing was created`);
      const id = crypto.randomUUID();
      const now = Date.now();
      const seen = new Set<string>();
      const merged: SampleRecord[] = [];
      // Sources in the order given, so where two label the same image differently the first one's label stands.
      for (const s of lists.flat()) {
        if (seen.has(s.id)) continue;
        seen.add(s.id);
        merged.push({ ...s, datasetId: id, addedAt: now });
      }
      const record: DatasetRecord = {
        id,
        name: clean,
        createdAt: now,
        updatedAt: now,
        ...summarizeSamples(merged),
        origin: 'merge',
        description: `merged from ${records.map((r) => `'${(r as DatasetRecord).name}'`).join(', ')}`,
      };
      await datasets.add(record);
      await requestAll(merged, (s) => store.put(s));
      return record;
    });
  }
  /**
   * Gives up bytes an import staged but will not commit: they lose the protection putBlob
   * gave them and go if nothing references them. Bytes other imports in flight are still
   * staging stay, which a full collectGarbage() would not guarantee.
   */
  async discardStaged(hashes: Iterable<string>): Promise<number> {
    for (const hash of hashes) this.pending.delete(hash);
    return (await this.sweep(this.pending)).length;
  }
  /**
   * Removes blobs and thumbnails no sample references, staged or not (a manual clean-up).
   * Returns how many images it removed.
   */
  async collectGarbage(): Promise<number> {
    const removed = await this.sweep(new Set());
    for (const hash of removed) this.pending.delete(hash);
    return removed.length;
  }

  /** Deletes bytes no sample references, except `spare`; returns the hashes it removed. */
  private sweep(spare: ReadonlySet<string>): Promise<string[]> {
    return writeTransaction(this.db, ['samples', 'blobs', 'thumbs'], 'removing unreferenced images', async (tx) => {
      const referenced = new Set<string>();
      let cursor = await tx.objectStore('samples').index('byHash').openKeyCursor(null, 'nextunique');
      while (cursor) {
        referenced.add(cursor.key);
        cursor = await cursor.continue();
      }
      const [blobs, thumbs] = await Promise.all([tx.objectStore('blobs').getAllKeys(), tx.objectStore('thumbs').getAllKeys()]);
      const orphan = (hash: string) => !referenced.has(hash) && !spare.has(hash);
      const orphanBlobs = blobs.filter(orphan);
      const orphanThumbs = thumbs.filter(orphan);
      await requestAll(orphanBlobs, (h) => tx.objectStore('blobs').delete(h));
      await requestAll(orphanThumbs, (h) => tx.objectStore('thumbs').delete(h));
      return [...new Set([...orphanBlobs, ...orphanThumbs])];
    });
  }
}

/**
 * Rewrites a dataset's version and counts from the samples it holds now, inside the
 * transaction that changed them, so record and samples never disagree. `now` null keeps
 * updatedAt (nothing changed).
 */
async function refreshDataset(tx: WriteTx, datasetId: string, now: number | null): Promise<DatasetRecord> {
  const [record, samples] = await Promise.all([
    tx.objectStore('datasets').get(datasetId),
    tx.objectStore('samples').index('byDataset').getAll(datasetId),
  ]);
  if (!record) throw noDataset(datasetId, 'nothing was changed');
  const updated: DatasetRecord = { ...record, ...summarizeSamples(samples), updatedAt: now ?? record.updatedAt };
  await tx.objectStore('datasets').put(updated);
  return updated;
}

function applyChange(sample: SampleRecord, change: SampleChange): SampleRecord {
  const next = { ...sample };
  if (change.className !== undefined) next.className = change.className;
  if (change.identity === null) delete next.identity;
  else if (change.identity !== undefined) next.identity = change.identity;
  if (change.bbox === null) delete next.bbox;
  else if (change.bbox !== undefined) next.bbox = change.bbox;
  return next;
}

function checkName(name: string): string {
  const clean = typeof name === 'string' ? name.trim() : '';
  if (clean === '') throw new Error('a dataset needs a name: the one given is empty');
  return clean;
}

function noDataset(id: string, consequence: string): Error {
  return new Error(`there is no dataset with id "${id}"; ${consequence}`);
}

/** The first few items, and how many more, so a message about 5000 files stays readable. */
function listSome(items: string[], shown = 5): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
