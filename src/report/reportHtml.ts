import { bandsAt, detectionAt, verificationAt } from '../core/evaluate/thresholdView.ts';
import type { ClassificationEvaluation, DetectionEvaluation, EvaluationReport, VerificationEvaluation } from '../core/evaluate/evaluationReport.ts';
import type { BandThresholds } from '../core/metrics/index.ts';
import { escapeXml as esc } from './escapeXml.ts';
import { summaryMetrics } from './metricsFiles.ts';
import { classMetricsChart, confusionChart, detChart, iouHistogramChart, reliabilityChart, rocChart, similarityHistogramChart } from './svgCharts.ts';

export interface ReportOptions {
  title?: string;
  thresholds?: { verification?: number; bands?: BandThresholds; detection?: number };
  /** Sample id → data: URL, for the pictures of mistakes and detection examples. */
  images?: Record<string, string>;
}

const pct = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)} %` : '—');
const CSS = `body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#f6f8fa;margin:0;padding:24px;line-height:1.45}
main{max-width:1100px;margin:auto}section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:16px;margin:12px 0}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:0}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #e6e9ed;text-align:right}th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px}.gallery{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0;width:112px;font-size:12px;color:#59636e}figure img{width:112px;height:112px;object-fit:cover;display:block}
.muted{color:#59636e}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#59636e}dd{margin:0}`;

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function provenance(report: EvaluationReport): string {
  const m = report.meta;
  const rows: [string, string][] = [
    ['Run', `${m.runName} (${m.runId})`],
    ['Model', m.architecture],
    ['Checkpoint', `${m.checkpoint.slot}, epoch ${m.checkpoint.epoch}, step ${m.checkpoint.step}`],
    ['Dataset', m.datasetName ? `${m.datasetName} (${m.datasetId ?? ''})` : 'generated data'],
    ['Dataset version', m.datasetVersion ?? '—'],
    ['Split', `${m.split}, ${m.sampleIds.length} images`],
    ['Predicted on', [m.backend, m.adapter].filter(Boolean).join(' · ')],
    ['Evaluated', new Date(m.createdAt).toISOString()],
  ];
  if (m.cost) {
    rows.push(
      ['Parameters', `${m.cost.params.toLocaleString('en')} (${m.cost.trainableParams.toLocaleString('en')} trainable)`],
      ['Size', `${(m.cost.bytes / 1e6).toFixed(2)} MB (float32)`],
      ['FLOPs per image', m.cost.flops.toLocaleString('en')],
      ['Latency (1 image)', m.cost.latencyMs !== undefined ? `${m.cost.latencyMs.toFixed(1)} ms` : '—'],
    );
  }
  return `<section><h2>Where these numbers come from</h2><dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></section>`;
}

function gallery(items: { id: string; caption: string }[], images: Record<string, string>): string {
  const shown = items.filter((i) => images[i.id]);
  if (shown.length === 0) return '';
  return `<div class="gallery">${shown.map((i) => `<figure><img src="${esc(images[i.id])}" alt="${esc(i.caption)}"><figcaption>${esc(i.caption)}</figcaption></figure>`).join('')}</div>`;
}

function classificationSections(report: EvaluationReport, r: ClassificationEvaluation, opts: ReportOptions): string {
  const names = report.meta.classNames;
  const thresholds = opts.thresholds?.bands ?? { use: 0.9, caution: 0.7 };
  const bands = bandsAt(r, thresholds);
  const mistakes = r.mistakes.map((m) => ({ id: report.meta.sampleIds[m.index], caption: `${names[m.label]} → ${names[m.predicted]} (${pct(m.confidence)})` }));
  return (
    `<section><h2>Per class</h2><div class="charts">${confusionChart(r.confusion, names)}${classMetricsChart(r.report, names)}</div>` +
    table(['class', 'precision', 'recall', 'F1', 'images'], r.report.perClass.map((c, i) => [names[i], pct(c.precision), pct(c.recall), pct(c.f1), c.support])) +
    `</section><section><h2>Calibration and confidence bands</h2><div class="charts">${reliabilityChart(r.calibration)}</div>` +
    table(
      ['band', 'rule', 'images', 'share'],
      [
        ['use', `confidence > ${pct(thresholds.use, 0)}`, bands.use.count, pct(bands.use.share)],
        ['use with caution', `${pct(thresholds.caution, 0)} – ${pct(thresholds.use, 0)}`, bands.caution.count, pct(bands.caution.share)],
        ['send to review', `below ${pct(thresholds.caution, 0)}`, bands.review.count, pct(bands.review.share)],
      ],
    ) +
    `</section><section><h2>Most confident mistakes</h2>${r.mistakes.length === 0 ? '<p class="muted">No mistakes on this split.</p>' : table(['sample', 'true', 'predicted', 'confidence'], r.mistakes.map((m) => [report.meta.sampleIds[m.index], names[m.label], names[m.predicted], pct(m.confidence)]))}${gallery(mistakes, opts.images ?? {})}</section>`
  );
}

function verificationSections(r: VerificationEvaluation, opts: ReportOptions): string {
  const threshold = opts.thresholds?.verification ?? r.eer.threshold;
  const at = verificationAt(r, threshold);
  return (
    `<section><h2>Verification at threshold ${threshold.toFixed(4)}</h2>` +
    table(['FAR', 'FRR', 'accuracy'], [[pct(at.far, 2), pct(at.frr, 2), pct(at.accuracy, 2)]]) +
    `<div class="charts">${similarityHistogramChart(r.histogram, { threshold })}${rocChart(r.roc, r.auc, { marker: { fpr: at.far, tpr: 1 - at.frr } })}${detChart(r.det, { marker: { far: at.far, frr: at.frr } })}</div></section>` +
    `<section><h2>Operating points</h2>${table(
      ['point', 'threshold', 'FAR', 'FRR'],
      [
        ['equal error rate', r.eer.threshold.toFixed(4), pct(r.eer.eer, 2), pct(r.eer.eer, 2)],
        ['Youden-optimal', r.youden.threshold.toFixed(4), pct(r.youden.fpr, 2), pct(1 - r.youden.tpr, 2)],
        ...r.atFar.map((f) => [`FAR ${pct(f.far, 1)}`, f.threshold.toFixed(4), pct(f.far, 2), pct(f.frr, 2)]),
      ],
    )}<p>LFW 10-fold accuracy: ${pct(r.tenFold.mean, 2)} ± ${pct(r.tenFold.std, 2)}; ${r.pairs.length} pairs (${r.pairSource === 'imported' ? 'from a pairs file' : `generated from ${r.identities} identities`}).</p></section>`
  );
}

function detectionSections(report: EvaluationReport, r: DetectionEvaluation, opts: ReportOptions): string {
  const cut = opts.thresholds?.detection ?? r.confidenceThreshold;
  const at = detectionAt(r, cut);
  const names = report.meta.classNames;
  const worst = [...r.items].sort((a, b) => a.iou - b.iou).slice(0, 24);
  return (
    `<section><h2>Boxes</h2>${table(['mean IoU', 'confidence cut', 'images above the cut', 'precision at IoU ≥ 0.5'], [[r.meanIou.toFixed(3), pct(cut, 0), `${at.kept} of ${r.samples}`, pct(at.precisionAtIou50)]])}` +
    `<div class="charts">${iouHistogramChart(r.iouHistogram, { threshold: 0.5 })}</div>` +
    gallery(worst.map((i) => ({ id: report.meta.sampleIds[i.index], caption: `IoU ${i.iou.toFixed(2)} · ${names[i.predicted]}` })), opts.images ?? {}) +
    `</section>` +
    classificationSections(report, r.classification, opts)
  );
}

/**
 * One self-contained HTML file (inline CSS and SVG, pictures as data URLs) with the whole
 * evaluation and where it came from; opens offline in any browser. Every string from the
 * user (run, class and dataset names) is escaped.
 */
export function reportHtml(report: EvaluationReport, opts: ReportOptions = {}): string {
  const title = opts.title ?? `Evaluation of ${report.meta.runName}`;
  const r = report.result;
  const summary = table(
    ['metric', 'value'],
    summaryMetrics(report).map(([k, v]) => [k, Number.isInteger(v) ? v : v.toFixed(4)]),
  );
  const body = r.kind === 'classification' ? classificationSections(report, r, opts) : r.kind === 'verification' ? verificationSections(r, opts) : detectionSections(report, r, opts);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><main><h1>${esc(title)}</h1>${provenance(report)}<section><h2>Summary</h2>${summary}</section>${body}<p class="muted">Made by the WebGPU Training Studio from the model's predictions on the ${esc(report.meta.split)} split.</p></main></body></html>\n`;
}
