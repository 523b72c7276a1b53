import type { Box } from '../core/data/sampleSource.ts';
import { FAR_TARGETS } from '../core/evaluate/evaluatePredictions.ts';
import type { ClassificationEvaluation, DetectionEvaluation, EvaluationReport, VerificationEvaluation } from '../core/evaluate/evaluationReport.ts';
import { chanceVerdict } from '../core/evaluate/chanceVerdict.ts';
import { sampleSizeWarnings } from '../core/evaluate/sampleSizeWarnings.ts';
import { bandsAt, detectionAt, verificationAt } from '../core/evaluate/thresholdView.ts';
import type { BandThresholds, Interval } from '../core/metrics/index.ts';
import { checkpointWords } from './checkpointWords.ts';
import { escapeXml as esc } from './escapeXml.ts';
import { summaryMetrics } from './metricsFiles.ts';
import { CHART_COLORS } from './svgFrame.ts';
import { classMetricsChart, confusionChart, detChart, iouHistogramChart, reliabilityChart, rocChart, similarityHistogramChart } from './svgCharts.ts';

export interface ReportOptions {
  title?: string;
  thresholds?: { verification?: number; bands?: BandThresholds; detection?: number };
  /** Sample id → data: URL, for the pictures of mistakes and detection examples. */
  images?: Record<string, string>;
}

const pct = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)} %` : '—');
/** A threshold: Infinity is "accept nothing" (what thresholdAtFar answers when no score keeps FAR low enough). */
const thr = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : v > 0 ? '∞ (accept none)' : '—');
/** A 95 % interval as the report prints it: "(95 % CI 30.7 %–60.2 %)". */
const ci = (i: Interval, f: (v: number) => string = pct): string => `(95 % CI ${f(i.low)}–${f(i.high)})`;
/** A summary number as the report prints it; metricsCsv keeps the full precision. */
const formatSummaryValue = (v: number): string => (Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(4) : '—');

/** Only pictures carried inside the file: the report must render offline and fetch nothing. */
const embeddable = (url: string | undefined): url is string => url !== undefined && /^data:image\/[a-z0-9.+-]+[;,]/i.test(url);
const CSS = `body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#f6f8fa;margin:0;padding:24px;line-height:1.45}
main{max-width:1100px;margin:auto}section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:16px;margin:12px 0}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:0}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #e6e9ed;text-align:right}th:first-child,td:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px}.gallery{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0;width:112px;font-size:12px;color:#59636e}figure img{width:112px;height:112px;object-fit:cover;display:block}
.boxed{position:relative;width:112px;height:112px}.boxed img{object-fit:fill}.boxed svg{position:absolute;inset:0;width:100%;height:100%}
.muted{color:#59636e}.verdict.chance{border-color:#b42318;border-width:2px}.verdict.learned{border-color:#1a7f37}.warning{color:#8a4b00}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#59636e}dd{margin:0}`;

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
    ['Checkpoint', checkpointWords(m.checkpoint)],
    ['Dataset', m.datasetName !== undefined ? `${m.datasetName}${m.datasetId !== undefined ? ` (${m.datasetId})` : ''}` : (m.datasetId ?? 'generated data')],
    ['Dataset version', m.datasetVersion ?? '—'],
    ['Split', `${m.split}, ${m.sampleIds.length} images`],
    ['Predicted on', [m.backend, m.adapter].filter(Boolean).join(' · ')],
    ['Evaluated', new Date(m.createdAt).toISOString()],
  ];
  if (m.cost) {
    rows.push(
      ['Parameters', `${m.cost.params.toLocaleString('en')} (${m.cost.trainableParams.toLocaleString('en')} trainable)`],
      ['Size', `${m.cost.bytes >= 1e6 ? `${(m.cost.bytes / 1e6).toFixed(2)} MB` : `${(m.cost.bytes / 1e3).toFixed(1)} kB`} (float32)`],
      ['FLOPs per image', `${m.cost.flops.toLocaleString('en')} (${m.cost.macs.toLocaleString('en')} multiply-adds)`],
      ['Latency (1 image)', m.cost.latencyMs !== undefined ? `${m.cost.latencyMs.toFixed(1)} ms` : '—'],
    );
  }
  return `<section><h2>Where these numbers come from</h2><dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></section>`;
}

interface GalleryItem {
  id: string;
  caption: string;
  /** True and predicted box, drawn over the picture (normalized [x1, y1, x2, y2]). */
  boxes?: { truth: Box; predicted: Box };
}

/** The Evaluate page's box colours (src/ui/evaluate.css): green the truth, orange the prediction. */
const BOX_COLORS = { truth: CHART_COLORS.c, predicted: '#d4560b' };

/** Boxes as an SVG laid over the picture; the picture is stretched to the square the model saw, so the boxes line up. */
function boxOverlay({ truth, predicted }: { truth: Box; predicted: Box }): string {
  const rect = (b: Box, color: string) =>
    `<rect x="${(b[0] * 100).toFixed(2)}" y="${(b[1] * 100).toFixed(2)}" width="${((b[2] - b[0]) * 100).toFixed(2)}" height="${((b[3] - b[1]) * 100).toFixed(2)}" fill="none" stroke="${color}" stroke-width="1.5" vector-effect="non-scaling-stroke"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">${rect(truth, BOX_COLORS.truth)}${rect(predicted, BOX_COLORS.predicted)}</svg>`;
}

function gallery(items: GalleryItem[], images: Record<string, string>): string {
  const shown = items.filter((i) => embeddable(images[i.id]));
  if (shown.length === 0) return '';
  const figure = (i: GalleryItem) => {
    const img = `<img src="${esc(images[i.id])}" alt="${esc(i.caption)}">`;
    const picture = i.boxes ? `<div class="boxed">${img}${boxOverlay(i.boxes)}</div>` : img;
    return `<figure>${picture}<figcaption>${esc(i.caption)}</figcaption></figure>`;
  };
  const key = shown.some((i) => i.boxes) ? `<p class="muted">Green: true box · orange: predicted box.</p>` : '';
  return `${key}<div class="gallery">${shown.map(figure).join('')}</div>`;
}

/** The verdict (has the model learned?) and the small-sample warnings, first thing after the provenance. */
function verdictSection(report: EvaluationReport): string {
  const v = chanceVerdict(report.result, report.meta.classNames);
  const warnings = sampleSizeWarnings(report.result);
  const list = (items: string[], cls = '') => (items.length ? `<ul${cls ? ` class="${cls}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '');
  return (
    `<section class="verdict ${v.learned ? 'learned' : 'chance'}"><h2>${esc(v.headline)}</h2>${list(v.reasons)}` +
    (v.suggestions.length ? `<p>What to try:</p>${list(v.suggestions)}` : '') +
    list(warnings, 'warning') +
    `</section>`
  );
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

/** Says why a FAR target has no row: with N impostor pairs no rate between 0 and 1/N can be measured. */
function unresolved(r: VerificationEvaluation): string {
  if (r.atFar.length === FAR_TARGETS.length) return '';
  const impostors = r.pairs.filter((p) => p.same === 0).length;
  return `<p class="muted">Thresholds at a FAR below 1 in ${impostors} (one impostor pair) cannot be measured on these pairs and are not listed.</p>`;
}

function verificationSections(r: VerificationEvaluation, opts: ReportOptions): string {
  const threshold = opts.thresholds?.verification ?? r.eer.threshold;
  const at = verificationAt(r, threshold);
  return (
    `<section><h2>Verification at threshold ${thr(threshold)}</h2>` +
    table(['FAR', 'FRR', 'accuracy'], [[pct(at.far, 2), pct(at.frr, 2), pct(at.accuracy, 2)]]) +
    `<div class="charts">${similarityHistogramChart(r.histogram, { threshold })}${rocChart(r.roc, r.auc, { marker: { fpr: at.far, tpr: 1 - at.frr } })}${detChart(r.det, { marker: { far: at.far, frr: at.frr } })}</div></section>` +
    `<section><h2>Operating points</h2><p>ROC AUC ${r.auc.toFixed(4)} ${ci(r.aucInterval, (v) => v.toFixed(3))}; equal error rate ${pct(r.eer.eer, 2)} ${ci(r.eerInterval)}, between the FAR and FRR at its threshold below (bootstrap, ${r.bootstrapResamples} resamples).</p>${table(
      ['point', 'threshold', 'FAR', 'FRR'],
      [
        ['equal error rate', thr(r.eer.threshold), pct(r.eer.far, 2), pct(r.eer.frr, 2)],
        ['Youden-optimal', thr(r.youden.threshold), pct(r.youden.fpr, 2), pct(1 - r.youden.tpr, 2)],
        ...r.atFar.map((f) => [`FAR ≤ ${pct(f.target, 1)}`, thr(f.threshold), pct(f.far, 2), pct(f.frr, 2)]),
      ],
    )}<p>LFW 10-fold accuracy: ${pct(r.tenFold.mean, 2)} ± ${pct(r.tenFold.std, 2)}; ${r.pairs.length} pairs (${pairOrigin(r)}).</p>${unresolved(r)}</section>`
  );
}

function detectionSections(report: EvaluationReport, r: DetectionEvaluation, opts: ReportOptions): string {
  const cut = opts.thresholds?.detection ?? r.confidenceThreshold;
  const at = detectionAt(r, cut);
  const names = report.meta.classNames;
  const worst = [...r.items].sort((a, b) => a.iou - b.iou).slice(0, 24);
  return (
    `<section><h2>Boxes</h2>${table(
      ['mean IoU', 'confidence cut', 'images above the cut', 'precision at IoU ≥ 0.5'],
      [
        [
          `${r.meanIou.toFixed(3)} ${ci(r.meanIouInterval, (v) => v.toFixed(3))}`,
          pct(cut, 0),
          `${at.kept} of ${r.samples}`,
          at.precisionAtIou50 !== undefined && at.precisionInterval ? `${pct(at.precisionAtIou50)} ${ci(at.precisionInterval)}` : '—: no image passes the confidence cut',
        ],
      ],
    )}` +
    `<div class="charts">${iouHistogramChart(r.iouHistogram, { threshold: 0.5 })}</div>` +
    gallery(
      worst.map((i) => ({ id: report.meta.sampleIds[i.index], caption: `IoU ${i.iou.toFixed(2)} · ${names[i.predicted]} ${pct(i.confidence, 0)}`, boxes: { truth: i.trueBox, predicted: i.predictedBox } })),
      opts.images ?? {},
    ) +
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
    summaryMetrics(report).map(([k, v]) => [k, formatSummaryValue(v)]),
  );
  const body = r.kind === 'classification' ? classificationSections(report, r, opts) : r.kind === 'verification' ? verificationSections(r, opts) : detectionSections(report, r, opts);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><main><h1>${esc(title)}</h1>${provenance(report)}${verdictSection(report)}<section><h2>Summary</h2>${summary}</section>${body}<p class="muted">Made by the WebGPU Training Studio from the model's predictions on the ${esc(report.meta.split)} split.</p></main></body></html>\n`;
}

/** Where a verification's pairs came from: a pairs file, every pair of the identities, or a sample of them beyond the cap. */
function pairOrigin(r: VerificationEvaluation): string {
  if (r.pairSource === 'imported') return 'from a pairs file';
  const p = r.pairProtocol;
  if (!p) return `generated from ${r.identities} identities`;
  if (p.kind === 'all') return `every genuine and impostor pair of ${r.identities} identities`;
  return `sampled without replacement from the ${p.genuineTotal + p.impostorTotal} pairs of ${r.identities} identities: ${p.genuine} of ${p.genuineTotal} genuine, ${p.impostor} of ${p.impostorTotal} impostor`;
}
