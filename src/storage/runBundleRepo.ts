import type { IDBPDatabase } from 'idb';
import { decodeCheckpoint, encodeCheckpoint } from '../core/train/checkpoint.ts';
import { stableHash } from '../core/util/stableHash.ts';
import type { StudioSchema } from './openStudioDb.ts';
import type { RunBundle, RunBundleDatasetCopy } from './runBundle.ts';
import type { CheckpointSlot, DatasetRecord, RunRecord, RunStatus } from './storageRecords.ts';
import { ownedBy, requestAll, writeTransaction, type WriteTx } from './writeTransaction.ts';

/** What an import stored, for the message the page shows. */
export interface RunBundleImport {
  run: RunRecord;
  /** How the run's dataset arrived: a new copy, one this browser already held (same content), or not at all. */
  dataset: { kind: 'added' | 'existing'; record: DatasetRecord } | { kind: 'missing'; name: string } | { kind: 'none' };
  /** The run id was taken here, so the run got a new one (nothing was overwritten). */
  renamedFrom?: string;
}

const SLOTS: CheckpointSlot[] = ['final', 'best', 'last'];
const IN_PROGRESS: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'loading', 'running', 'paused']);

/** Reads a run (with or without its dataset) as a RunBundle, and stores an imported one in one transaction. */
export class RunBundleRepo {
  constructor(private readonly db: IDBPDatabase<StudioSchema>) {}

  /**
   * The run, its events, its checkpoints and its dataset, read in one transaction so the
   * parts agree. Refuses a run with no checkpoint (there is no model to hand over yet).
   */
  async read(runId: string, includeDataset: boolean): Promise<RunBundle> {
    const tx = this.db.transaction(['runs', 'events', 'checkpoints', 'datasets', 'samples', 'blobs', 'thumbs'], 'readonly');
    const [run, events, checkpoints] = await Promise.all([
      tx.objectStore('runs').get(runId),
      tx.objectStore('events').getAll(ownedBy(runId)),
      tx.objectStore('checkpoints').getAll(ownedBy(runId)),
    ]);
    if (!run) throw new Error(`there is no run with id "${runId}"; nothing was exported`);
    if (checkpoints.length === 0) throw new Error(`run '${run.name}' has no checkpoint yet (a run saves one at the end of its first epoch); nothing was exported`);
    const source = run.spec.data.source;
    const bundle: RunBundle = {
      run,
      events: events.map((e) => e.event),
      checkpoints: checkpoints
        .sort((a, b) => SLOTS.indexOf(a.slot) - SLOTS.indexOf(b.slot))
        .map((c) => ({ slot: c.slot, checkpoint: decodeCheckpoint(c.manifest, c.data) })),
    };
    if (source.kind !== 'indexeddb') return bundle;
    const dataset = await tx.objectStore('datasets').get(source.datasetId);
    if (!includeDataset || !dataset) {
      return { ...bundle, dataset: { kind: 'reference', id: source.datasetId, name: dataset?.name ?? run.datasetName ?? source.datasetId, version: source.version ?? run.datasetVersion ?? '' } };
    }
    if (source.version !== undefined && dataset.version !== source.version) {
      throw new Error(
        `dataset '${dataset.name}' changed since run '${run.name}' trained on it (version ${source.version}, now ${dataset.version}), ` +
          'so the copy would not be the run\'s data; export the run without its dataset. Nothing was exported',
      );
    }
    const samples = await tx.objectStore('samples').index('byDataset').getAll(dataset.id);
    const hashes = [...new Set(samples.map((s) => s.hash))];
    const [blobs, thumbs] = await Promise.all([
      Promise.all(hashes.map((h) => tx.objectStore('blobs').get(h))),
      Promise.all(hashes.map((h) => tx.objectStore('thumbs').get(h))),
    ]);
    const lost = hashes.filter((_, i) => !blobs[i] || !thumbs[i]);
    if (lost.length > 0) throw new Error(`dataset '${dataset.name}' is missing the bytes of ${lost.length} images; nothing was exported`);
    return { ...bundle, dataset: { kind: 'copy', record: dataset, samples, blobs: blobs.flatMap((b) => (b ? [b] : [])), thumbs: thumbs.flatMap((t) => (t ? [t] : [])) } };
  }

  /**
   * Stores a bundle unpackRunBundle checked, in one transaction: the run, its events and
   * checkpoints, and its dataset. Nothing already here is overwritten: a run id in use
   * gives the import a new id; a dataset whose content (version) this browser already
   * holds is used as it is, and a new copy never takes an id in use.
   */
  async store(bundle: RunBundle): Promise<RunBundleImport> {
    const stores = ['runs', 'events', 'checkpoints', 'datasets', 'samples', 'blobs', 'thumbs'] as const;
    return writeTransaction(this.db, [...stores], `importing run '${bundle.run.name}'`, async (tx) => {
      const runTaken = (await tx.objectStore('runs').getKey(bundle.run.id)) !== undefined;
      const runId = runTaken ? crypto.randomUUID() : bundle.run.id;

      let dataset: RunBundleImport['dataset'] = { kind: 'none' };
      const src = bundle.dataset;
      if (src) {
        const held = await tx.objectStore('datasets').getAll();
        const same = held.find((d) => d.id === idOf(src) && d.version === versionOf(src)) ?? held.find((d) => d.version === versionOf(src));
        if (same) dataset = { kind: 'existing', record: same };
        else if (src.kind === 'reference') dataset = { kind: 'missing', name: src.name };
        else {
          const id = held.some((d) => d.id === src.record.id) ? crypto.randomUUID() : src.record.id;
          const record = await addDataset(tx, src, id);
          dataset = { kind: 'added', record };
        }
      }

      const run = importedRun(bundle.run, runId, dataset);
      await tx.objectStore('runs').add(run);
      await requestAll(bundle.events, (event, seq) => tx.objectStore('events').put({ runId, seq, event }));
      await requestAll(bundle.checkpoints, ({ slot, checkpoint }) => {
        // The spec hash is the run's: a run whose dataset id changed on the way has a new one, and resume compares them.
        const { manifest, data } = encodeCheckpoint({ ...checkpoint, specHash: run.specHash });
        return tx.objectStore('checkpoints').put({ runId, slot, epoch: checkpoint.epoch, step: checkpoint.step, time: checkpoint.time, manifest, data });
      });
      return { run, dataset, ...(runTaken ? { renamedFrom: bundle.run.id } : {}) };
    });
  }
}

function idOf(src: NonNullable<RunBundle['dataset']>): string {
  return src.kind === 'copy' ? src.record.id : src.id;
}

function versionOf(src: NonNullable<RunBundle['dataset']>): string {
  return src.kind === 'copy' ? src.record.version : src.version;
}

async function addDataset(tx: WriteTx, src: RunBundleDatasetCopy, id: string): Promise<DatasetRecord> {
  const record: DatasetRecord = { ...src.record, id };
  await tx.objectStore('datasets').add(record);
  // Bytes another dataset already holds stay as they are: same hash, same bytes.
  const present = await requestAll(src.blobs, (b) => tx.objectStore('blobs').getKey(b.hash));
  const fresh = new Set(src.blobs.filter((_, i) => present[i] === undefined).map((b) => b.hash));
  await requestAll(src.blobs.filter((b) => fresh.has(b.hash)), (b) => tx.objectStore('blobs').put(b));
  await requestAll(src.thumbs.filter((t) => fresh.has(t.hash)), (t) => tx.objectStore('thumbs').put(t));
  await requestAll(src.samples, (s) => tx.objectStore('samples').put({ ...s, datasetId: id }));
  return record;
}

/** The run as this browser keeps it: its new id if it got one, pointing at the dataset as stored here. */
function importedRun(source: RunRecord, id: string, dataset: RunBundleImport['dataset']): RunRecord {
  const { remote: _remote, ...run } = source;
  let spec = run.spec;
  const local = dataset.kind === 'added' || dataset.kind === 'existing' ? dataset.record : undefined;
  if (local && spec.data.source.kind === 'indexeddb' && spec.data.source.datasetId !== local.id) {
    spec = { ...spec, data: { ...spec.data, source: { ...spec.data.source, datasetId: local.id } } };
  }
  const stopped = IN_PROGRESS.has(run.status);
  return {
    ...run,
    id,
    spec,
    specHash: spec === run.spec ? run.specHash : stableHash(spec),
    ...(local ? { datasetId: local.id, datasetName: local.name, datasetVersion: local.version } : {}),
    // Nobody trains an imported run; one exported mid-training resumes from its checkpoint like an interrupted one.
    ...(stopped ? { status: 'interrupted' as const, message: 'exported while it was training; resume continues from its last checkpoint' } : {}),
  };
}
