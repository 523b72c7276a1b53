import type { EarlyStoppingSpec } from '../spec/runSpec.ts';

export interface MonitorState {
  best: number;
  bestEpoch: number;
  wait: number;
}

/**
 * Tracks a monitored metric (Keras EarlyStopping semantics): an epoch improves when it
 * beats the best by more than minDelta in the monitor's direction; after `patience`
 * epochs in a row without improvement the run should stop (wait >= patience, as Keras).
 */
export class EarlyStopping {
  private state: MonitorState;

  constructor(private readonly config: Pick<EarlyStoppingSpec, 'monitor' | 'mode' | 'patience' | 'minDelta'>) {
    this.state = { best: config.mode === 'min' ? Infinity : -Infinity, bestEpoch: -1, wait: 0 };
  }

  get monitor(): string {
    return this.config.monitor;
  }

  get best(): { epoch: number; value: number } | undefined {
    return this.state.bestEpoch < 0 ? undefined : { epoch: this.state.bestEpoch, value: this.state.best };
  }

  /** Feeds one epoch's metrics; says whether it improved and whether to stop now. */
  update(epoch: number, metrics: Record<string, number>): { improved: boolean; stop: boolean } {
    const value = metrics[this.config.monitor];
    if (value === undefined || !Number.isFinite(value)) {
      throw new Error(
        `early stopping monitors "${this.config.monitor}", which this run does not report (it reports ${Object.keys(metrics).join(', ')})`,
      );
    }
    const { mode, minDelta, patience } = this.config;
    const improved = mode === 'min' ? value < this.state.best - minDelta : value > this.state.best + minDelta;
    if (improved) {
      this.state = { best: value, bestEpoch: epoch, wait: 0 };
      return { improved, stop: false };
    }
    this.state.wait += 1;
    return { improved, stop: this.state.wait >= patience };
  }

  getState(): MonitorState {
    return { ...this.state };
  }

  setState(state: MonitorState): void {
    this.state = { ...state };
  }
}
