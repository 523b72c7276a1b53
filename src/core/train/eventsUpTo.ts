import type { Checkpoint } from './checkpoint.ts';
import type { TrainEvent } from './trainEvent.ts';

/**
 * The events a run had emitted when `checkpoint` was taken. Resuming from a checkpoint
 * replays everything after it, so every host (run directory, IndexedDB, companion) drops
 * the later events first and the continued curve has no duplicate or orphaned points.
 */
export function eventsUpTo<E extends TrainEvent>(events: readonly E[], checkpoint: Pick<Checkpoint, 'epoch' | 'step'>): E[] {
  return events.filter((e) => {
    if (e.type === 'step') return e.step <= checkpoint.step && e.epoch < checkpoint.epoch;
    if (e.type === 'epoch' || e.type === 'checkpoint') return e.step <= checkpoint.step;
    return e.type === 'trainBegin';
  });
}
