import { eventsUpTo } from './eventsUpTo.ts';
import type { TrainEvent } from './trainEvent.ts';

/**
 * A run's curve from an append-only event log. A session that resumed from a checkpoint
 * begins with a trainBegin naming where it continues (startEpoch / startStep); whatever
 * an earlier session logged past that point was never checkpointed and is dropped, as the
 * browser and the run directory drop it when they resume.
 */
export function continuedEvents(log: readonly TrainEvent[]): TrainEvent[] {
  let kept: TrainEvent[] = [];
  for (const event of log) {
    if (event.type === 'trainBegin' && kept.length > 0) kept = eventsUpTo(kept, { epoch: event.startEpoch, step: event.startStep });
    kept.push(event);
  }
  return kept;
}
