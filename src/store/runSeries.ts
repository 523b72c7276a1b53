import { eventsUpTo } from '../core/train/eventsUpTo.ts';
import type { EpochEvent, StepEvent, TrainBeginEvent, TrainEndEvent, TrainEvent } from '../core/train/trainEvent.ts';
import { StepPace } from './stepPace.ts';

/**
 * One run's curves as the charts read them. Events are appended in place (a run emits
 * thousands, so copying the arrays per event would make a long run quadratic) and
 * `version` counts the changes, which is what views compare to know when to redraw.
 */
export class RunSeries {
  steps: StepEvent[] = [];
  epochs: EpochEvent[] = [];
  /** The latest session's trainBegin: steps per epoch, total steps, class names. */
  begin?: TrainBeginEvent;
  end?: TrainEndEvent;
  /** The latest session's pace, for a steady ETA. */
  readonly pace = new StepPace();
  version = 0;

  /** Replays stored events, so a reloaded run looks exactly as it did live. */
  static from(events: readonly TrainEvent[]): RunSeries {
    const series = new RunSeries();
    for (const event of events) series.add(event);
    return series;
  }

  add(event: TrainEvent): void {
    switch (event.type) {
      case 'trainBegin':
        // A resumed session replays everything after its checkpoint: drop those points
        // here as storage does, so the continued curve has no duplicates.
        this.steps = eventsUpTo(this.steps, { epoch: event.startEpoch, step: event.startStep });
        this.epochs = eventsUpTo(this.epochs, { epoch: event.startEpoch, step: event.startStep });
        this.begin = event;
        this.end = undefined;
        this.pace.restart();
        break;
      case 'step':
        this.steps.push(event);
        this.pace.add(event);
        break;
      case 'epoch':
        this.epochs.push(event);
        break;
      case 'trainEnd':
        this.end = event;
        break;
      case 'checkpoint':
        return;
    }
    this.version++;
  }

  get lastStep(): StepEvent | undefined {
    return this.steps.at(-1);
  }

  get lastEpoch(): EpochEvent | undefined {
    return this.epochs.at(-1);
  }
}
