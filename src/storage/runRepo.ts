import type { IDBPDatabase } from 'idb';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../core/train/checkpoint.ts';
import { eventsUpTo } from '../core/train/eventsUpTo.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { CheckpointSlot, RunRecord, RunStatus } from './storageRecords.ts';
import type { StudioSchema } from './openStudioDb.ts';
import { formatBytes } from './formatBytes.ts';
import { ownedBy, requestAll, writeTransaction } from './writeTransaction.ts';

/** Statuses that mean "an engine is working on it": after a reload nobody is. */
const IN_PROGRESS: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'loading', 'running', 'paused']);

/**
 * Runs, the events they emitted, and their checkpoints. The engine worker writes while a
 * run trains (so a crash keeps everything up to the last flush); the page reads.
 */
export class RunRepo {
  constructor(private readonly db: IDBPDatabase<StudioSchema>) {}

  async create(run: RunRecord): Promise<RunRecord> {
    if (typeof run.id !== 'string' || run.id === '') throw new Error(`cannot create run '${run.name}': its id is empty`);
    await writeTransaction(this.db, ['runs'], `creating run '${run.name}'`, async (tx) => {
      if ((await tx.objectStore('runs').getKey(run.id)) !== undefined) {
        throw new Error(`cannot create run '${run.name}': a run with id "${run.id}" already exists`);
      }
      await tx.objectStore('runs').add(run);
    });
    return run;
  }
  get(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }
  /** Newest first. */
  async list(): Promise<RunRecord[]> {
    return (await this.db.getAllFromIndex('runs', 'byCreated')).reverse();
  }
  /** Read-modify-write in one transaction, so concurrent patches do not lose fields. */
  async update(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<RunRecord> {
    return writeTransaction(this.db, ['runs'], `updating run ${id}`, async (tx) => {
      const run = await tx.objectStore('runs').get(id);
      if (!run) throw noRun(id, 'nothing was updated');
      const updated: RunRecord = { ...run, ...patch, id };
      await tx.objectStore('runs').put(updated);
      return updated;
    });
  }
  /** Deletes the run, its events and its checkpoints. */
  async delete(id: string): Promise<void> {
    await writeTransaction(this.db, ['runs', 'events', 'checkpoints'], `deleting run ${id}`, async (tx) => {
      if ((await tx.objectStore('runs').getKey(id)) === undefined) throw noRun(id, 'nothing was deleted');
      await Promise.all([
        tx.objectStore('runs').delete(id),
        tx.objectStore('events').delete(ownedBy(id)),
        tx.objectStore('checkpoints').delete(ownedBy(id)),
      ]);
    });
  }
  /**
   * Puts `record` in place of the stored run and drops the run's events and checkpoints,
   * in one transaction: a fresh start of a run that trained before keeps nothing of the
   * earlier attempt, and a failure leaves the old attempt whole.
   */
  async reset(record: RunRecord): Promise<RunRecord> {
    const id = record.id;
    await writeTransaction(this.db, ['runs', 'events', 'checkpoints'], `restarting run ${id}`, async (tx) => {
      if ((await tx.objectStore('runs').getKey(id)) === undefined) throw noRun(id, 'nothing was reset');
      await Promise.all([
        tx.objectStore('runs').put(record),
        tx.objectStore('events').delete(ownedBy(id)),
        tx.objectStore('checkpoints').delete(ownedBy(id)),
      ]);
    });
    return record;
  }
  /** Appends events after the run's last one (sequence numbers assigned here). */
  async appendEvents(runId: string, events: TrainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await writeTransaction(this.db, ['runs', 'events'], `saving ${events.length} events of run ${runId}`, async (tx) => {
      // Checked here so an engine still flushing after the user deleted the run leaves no orphan events.
      if ((await tx.objectStore('runs').getKey(runId)) === undefined) throw noRun(runId, `its ${events.length} new events were not saved`);
      const store = tx.objectStore('events');
      const last = await store.openKeyCursor(ownedBy(runId), 'prev');
      const next = last ? last.key[1] + 1 : 0;
      await requestAll(events, (event, i) => store.put({ runId, seq: next + i, event }));
    });
  }
  /** Every event of the run, in emission order. */
  async events(runId: string): Promise<TrainEvent[]> {
    return (await this.db.getAll('events', ownedBy(runId))).map((r) => r.event);
  }
  /** Keeps the events emitted up to a checkpoint (core's eventsUpTo), so a resumed curve continues without duplicates. */
  async truncateEventsTo(runId: string, at: Pick<Checkpoint, 'epoch' | 'step'>): Promise<void> {
    await writeTransaction(this.db, ['events'], `trimming the events of run ${runId}`, async (tx) => {
      const store = tx.objectStore('events');
      const records = await store.getAll(ownedBy(runId));
      // eventsUpTo filters, so the kept events are the very objects read, and their records keep their seq.
      const kept = new Set(eventsUpTo(records.map((r) => r.event), at));
      await requestAll(
        records.filter((r) => !kept.has(r.event)),
        (r) => store.delete([runId, r.seq]),
      );
    });
  }
  async putCheckpoint(runId: string, slot: CheckpointSlot, checkpoint: Checkpoint): Promise<void> {
    const { manifest, data } = encodeCheckpoint(checkpoint);
    const what = `saving the '${slot}' checkpoint of run ${runId} (epoch ${checkpoint.epoch}, ${formatBytes(data.byteLength)})`;
    await writeTransaction(this.db, ['runs', 'checkpoints'], what, async (tx) => {
      if ((await tx.objectStore('runs').getKey(runId)) === undefined) throw noRun(runId, 'the checkpoint was not saved');
      await tx.objectStore('checkpoints').put({ runId, slot, epoch: checkpoint.epoch, step: checkpoint.step, time: checkpoint.time, manifest, data });
    });
  }
  async getCheckpoint(runId: string, slot: CheckpointSlot): Promise<Checkpoint | undefined> {
    const record = await this.db.get('checkpoints', [runId, slot]);
    return record && decodeCheckpoint(record.manifest, record.data);
  }
  async hasCheckpoint(runId: string, slot: CheckpointSlot): Promise<boolean> {
    return (await this.db.getKey('checkpoints', [runId, slot])) !== undefined;
  }
  /**
   * Marks runs left "loading", "running" or "paused" by a page that is gone as
   * "interrupted". `isLive(runId)` says whether some engine still holds the run (the
   * browser host answers from Web Locks). Returns the runs it marked.
   */
  async markInterrupted(isLive: (runId: string) => boolean | Promise<boolean>): Promise<RunRecord[]> {
    // A companion trains remote runs; the page only watches them, so closing it interrupts nothing.
    const candidates = (await this.db.getAll('runs')).filter((r) => IN_PROGRESS.has(r.status) && !r.remote);
    // isLive may await Web Locks, which would end a transaction, so it is asked before the write.
    const live = await Promise.all(candidates.map((r) => isLive(r.id)));
    const orphaned = new Set(candidates.filter((_, i) => !live[i]).map((r) => r.id));
    if (orphaned.size === 0) return [];
    return writeTransaction(this.db, ['runs'], `marking ${orphaned.size} runs interrupted`, async (tx) => {
      const store = tx.objectStore('runs');
      const current = await requestAll([...orphaned], (id) => store.get(id));
      // Re-read: an engine may have moved a run on (finished it, say) since the first read.
      const marked = current
        .filter((r): r is RunRecord => r !== undefined && IN_PROGRESS.has(r.status))
        .map((r): RunRecord => ({ ...r, status: 'interrupted', message: interruptedMessage(r) }));
      await requestAll(marked, (r) => store.put(r));
      return marked;
    });
  }
}

function interruptedMessage(run: RunRecord): string {
  if (run.status === 'queued') return 'the page was closed or reloaded before the run started; starting it trains from the start';
  const resume =
    run.resumeFrom && run.resumeFrom.epoch > 0
      ? `resume continues from epoch ${run.resumeFrom.epoch}, after its last checkpoint`
      : 'no checkpoint was saved yet, so resume starts from the start';
  return `the page was closed or reloaded while the run was training; ${resume}`;
}

function noRun(id: string, consequence: string): Error {
  return new Error(`there is no run with id "${id}"; ${consequence}`);
}
