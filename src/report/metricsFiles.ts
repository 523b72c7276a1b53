import { chanceVerdict } from '../core/evaluate/chanceVerdict.ts';
import type { ClassificationEvaluation, EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import { detectionAt } from '../core/evaluate/thresholdView.ts';

/** The class head's evaluation: a classifier's, or the tracker's. */
function classificationOf(report: EvaluationReport): ClassificationEvaluation | undefined {
  const r = report.result;
  return r.kind === 'classification' ? r : r.kind === 'detection' ? r.classification : undefined;
}

/** The headline numbers of a report as [name, value] rows: what metrics.csv lists and metrics.json summarizes. */
export function summaryMetrics(report: EvaluationReport): [string, number][] {
  const r = report.result;
  const rows: [string, number][] = [];
  const classification = classificationOf(report);
  if (r.kind === 'verification') {
    rows.push(
      ['pairs', r.pairs.length],
      ['genuine_pairs', r.pairs.filter((p) => p.same === 1).length],
      // What the identities hold: equal to `pairs` when every pair was scored, more when they were sampled.
      ...(r.pairProtocol ? [['pairs_total', r.pairProtocol.genuineTotal + r.pairProtocol.impostorTotal] as [string, number]] : []),
      ['auc', r.auc],
      ['auc_ci_low', r.aucInterval.low],
      ['auc_ci_high', r.aucInterval.high],
      ['eer', r.eer.eer],
      ['eer_ci_low', r.eerInterval.low],
      ['eer_ci_high', r.eerInterval.high],
      ['eer_threshold', r.eer.threshold],
      ['far_at_eer_threshold', r.eer.far],
      ['frr_at_eer_threshold', r.eer.frr],
      ['youden_threshold', r.youden.threshold],
      ['youden_tpr', r.youden.tpr],
      ['youden_fpr', r.youden.fpr],
      ['tenfold_accuracy', r.tenFold.mean],
      ['tenfold_accuracy_std', r.tenFold.std],
    );
    for (const f of r.atFar) rows.push([`threshold_at_far_${f.target}`, f.threshold], [`far_at_far_${f.target}`, f.far], [`frr_at_far_${f.target}`, f.frr]);
  }
  if (r.kind === 'detection') {
    const at = detectionAt(r, r.confidenceThreshold);
    rows.push(['mean_iou', r.meanIou], ['mean_iou_ci_low', r.meanIouInterval.low], ['mean_iou_ci_high', r.meanIouInterval.high]);
    // No image above the cut measures no precision: the row is left out rather than written as 0.
    if (at.precisionAtIou50 !== undefined && at.precisionInterval) {
      rows.push(['precision_iou50', at.precisionAtIou50], ['precision_iou50_ci_low', at.precisionInterval.low], ['precision_iou50_ci_high', at.precisionInterval.high]);
    }
    rows.push(['images_above_confidence_threshold', at.kept], ['confidence_threshold', r.confidenceThreshold]);
  }
  if (classification) {
    rows.push(['samples', classification.samples]);
    for (const t of classification.topK) {
      rows.push([`top${t.k}_accuracy`, t.accuracy], [`top${t.k}_accuracy_ci_low`, t.interval.low], [`top${t.k}_accuracy_ci_high`, t.interval.high]);
    }
    rows.push(
      ['macro_precision', classification.report.macro.precision],
      ['macro_recall', classification.report.macro.recall],
      ['macro_f1', classification.report.macro.f1],
      ['macro_f1_ci_low', classification.macroF1Interval.low],
      ['macro_f1_ci_high', classification.macroF1Interval.high],
      ['weighted_f1', classification.report.weighted.f1],
      ['ece', classification.calibration.ece],
      ['ece_ci_low', classification.eceInterval.low],
      ['ece_ci_high', classification.eceInterval.high],
    );
  } else {
    rows.push(['samples', r.samples]);
  }
  // 1 when the model beats chance on this split (chanceVerdict), 0 when it does not.
  rows.push(['learned', chanceVerdict(r, report.meta.classNames).learned ? 1 : 0]);
  return rows;
}

/**
 * Everything of the report as pretty JSON: where it came from, the summary, a per-class
 * table with the class names (classifiers and the tracker's class head), and the full
 * result (curves, pairs, per-sample predictions). JSON has no Infinity: the ROC's
 * accept-nothing threshold and an unreachable FAR target's threshold are written as null.
 */
export function metricsJson(report: EvaluationReport): string {
  const { sampleIds, ...meta } = report.meta;
  const classification = classificationOf(report);
  const perClass = classification?.report.perClass.map((c, i) => ({ class: meta.classNames[i], ...c }));
  return `${JSON.stringify({ meta: { ...meta, samples: sampleIds.length }, summary: Object.fromEntries(summaryMetrics(report)), ...(perClass ? { perClass } : {}), result: report.result, sampleIds }, null, 2)}\n`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: (string | number)[]): string => fields.map(csvField).join(',');

/** Where the numbers came from and `metric,value` rows (full precision), then (for classifiers and the tracker's class head) a per-class table after a blank line. */
export function metricsCsv(report: EvaluationReport): string {
  const m = report.meta;
  const lines = [
    csvLine(['metric', 'value']),
    csvLine(['run_id', m.runId]),
    csvLine(['run_name', m.runName]),
    csvLine(['architecture', m.architecture]),
    csvLine(['checkpoint', m.checkpoint.slot]),
    csvLine(['checkpoint_epoch', m.checkpoint.epoch]),
    csvLine(['checkpoint_step', m.checkpoint.step]),
    csvLine(['checkpoint_weights_epoch', m.checkpoint.restoredEpoch ?? m.checkpoint.epoch]),
    csvLine(['dataset_id', m.datasetId ?? '']),
    csvLine(['dataset_name', m.datasetName ?? '']),
    csvLine(['dataset_version', m.datasetVersion ?? '']),
    csvLine(['split', m.split]),
    csvLine(['backend', [m.backend, m.adapter].filter(Boolean).join(' / ')]),
    ...summaryMetrics(report).map(([k, v]) => csvLine([k, v])),
  ];
  const classification = classificationOf(report);
  if (classification) {
    lines.push('', csvLine(['class', 'precision', 'recall', 'f1', 'support']));
    classification.report.perClass.forEach((c, i) => lines.push(csvLine([m.classNames[i], c.precision, c.recall, c.f1, c.support])));
  }
  return `${lines.join('\r\n')}\r\n`;
}
