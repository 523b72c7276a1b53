import type { Prediction } from '../../../core/train/predictor.ts';
import type { PredictorInfo } from '../../../engine/protocol.ts';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { topClasses } from '../evaluate/tryItView.ts';
import { valMetricOf } from '../charts/runChartSeries.ts';

/** One large figure of the presenter view: what it is, and its value as the room reads it. */
export interface PresenterFigure {
  id: string;
  label: string;
  text: string;
  /** The raw number, for tests and screen readers. */
  value: number;
}

/** A share in [0, 1] as a percent with one decimal, the way the rest of the studio shows accuracy. */
const percent = (v: number) => `${(v * 100).toFixed(1)} %`;

/**
 * The run's figures for a room: epochs done of planned, then its latest accuracy (validation
 * if it has one) and loss (likewise), from the same record the Train page shows. A figure the
 * run has not logged yet is left out rather than shown as 0.
 */
export function presenterFigures(run: Pick<RunRecord, 'epochsDone' | 'spec' | 'lastMetrics'>): PresenterFigure[] {
  const planned = run.spec.training.epochs;
  const figures: PresenterFigure[] = [{ id: 'epoch', label: 'Epoch', text: `${run.epochsDone} / ${planned}`, value: run.epochsDone }];
  const m = run.lastMetrics ?? {};
  const valAcc = valMetricOf(run.spec.task.kind);
  const acc = m[valAcc] !== undefined ? { name: 'Validation accuracy', v: m[valAcc] } : m.acc !== undefined ? { name: 'Training accuracy', v: m.acc } : undefined;
  if (acc) figures.push({ id: 'accuracy', label: acc.name, text: percent(acc.v), value: acc.v });
  const loss = m.val_loss !== undefined ? { name: 'Validation loss', v: m.val_loss } : m.loss !== undefined ? { name: 'Training loss', v: m.loss } : undefined;
  if (loss) figures.push({ id: 'loss', label: loss.name, text: loss.v.toPrecision(3), value: loss.v });
  return figures;
}

/** Try it's latest answer in words for a room: the top class and its probability, or the nearest enrolled person. */
export function presentedPrediction(prediction: Prediction, info: Pick<PredictorInfo, 'classNames'>): { label: string; confidence?: string; value?: number } | undefined {
  if (prediction.kind === 'embedding') {
    const best = prediction.nearest[0];
    return best ? { label: best.name, confidence: `similarity ${best.similarity.toFixed(2)}`, value: best.similarity } : undefined;
  }
  const [top] = topClasses(prediction.probs, info.classNames, 1);
  return top ? { label: top.name, confidence: percent(top.p), value: top.p } : undefined;
}
