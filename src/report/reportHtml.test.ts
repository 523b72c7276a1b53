import { describe, expect, it } from 'vitest';
import type { DetectionEvaluation, EvaluationReport, VerificationEvaluation } from '../core/evaluate/evaluationReport.ts';
import { verificationAt } from '../core/evaluate/thresholdView.ts';
import { xmlProblem } from './fixtures/markup.ts';
import { classification, detection, evil, largeVerification, verification } from './fixtures/reports.ts';
import { summaryMetrics } from './metricsFiles.ts';
import { reportHtml } from './reportHtml.ts';

const HTML = { voidTags: ['meta', 'img'], raw: ['style'] };
const pct = (v: number, digits: number) => `${(v * 100).toFixed(digits)} %`;

function summaryShown(report: EvaluationReport, html: string): void {
  for (const [name, value] of summaryMetrics(report)) {
    const shown = Number.isInteger(value) ? String(value) : Number.isFinite(value) ? value.toFixed(4) : '—';
    expect(html, name).toContain(`<td>${name}</td><td>${shown}</td>`);
  }
}

describe('reportHtml', () => {
  it('states where the numbers came from', () => {
    const html = reportHtml(classification);
    for (const fact of [
      'my &lt;script&gt;alert(1)&lt;/script&gt; run (run-42)',
      '<dd>smallCnn</dd>',
      'checkpoint final at epoch 3, step 30',
      'shapes &amp; co (ds-1)',
      'abcdef0123456789',
      'test, 40 images',
      'webgpu · Test GPU',
      '1,234 (1,200 trainable)',
      '4.9 kB (float32)',
      '1.5 ms',
      '2026-11-22T00:00:00.000Z',
    ]) {
      expect(html).toContain(fact);
    }
  });

  it.each([
    ['classification', classification],
    ['verification', verification],
    ['detection', detection],
  ] as const)('is one well-formed, offline, escaped page with every summary number of a %s report', (_, report) => {
    const html = reportHtml(report, { images: { 'sample-0': 'data:image/png;base64,AAAA' } });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(xmlProblem(html, HTML)).toBeUndefined();
    summaryShown(report, html);
    expect(html).not.toContain(evil);
    expect(html).not.toMatch(/<script|<link|<iframe|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('shows per-class scores, confidence bands with the thresholds used, and the most confident mistakes', () => {
    const html = reportHtml(classification, { thresholds: { bands: { use: 0.8, caution: 0.6 } } });
    expect(html).toContain('<td>a,&quot;b&quot;</td>');
    expect(html).toContain('confidence &gt; 80 %');
    expect(html).toContain('60 % – 80 %');
    const r = classification.result.kind === 'classification' ? classification.result : undefined;
    const first = r!.mistakes[0];
    expect(html).toContain(`<td>sample-${first.index}</td>`);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  });

  it('embeds only data: pictures, so the file renders offline and fetches nothing', () => {
    const r = classification.result.kind === 'classification' ? classification.result : undefined;
    const [m0, m1] = r!.mistakes;
    const html = reportHtml(classification, {
      images: { [`sample-${m0.index}`]: 'data:image/png;base64,AAAA', [`sample-${m1.index}`]: 'https://example.com/x.png' },
    });
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    expect(html).not.toContain('example.com');
  });

  it('states the chosen verification threshold with its FAR, FRR and accuracy, and the operating points', () => {
    const r = verification.result as VerificationEvaluation;
    const at = (t: number) => reportHtml(verification, { thresholds: { verification: t } });
    const chosen = verificationAt(r, 0.25);
    expect(at(0.25)).toContain(`Verification at threshold 0.2500</h2><table><thead><tr><th>FAR</th><th>FRR</th><th>accuracy</th></tr></thead><tbody><tr><td>${pct(chosen.far, 2)}</td><td>${pct(chosen.frr, 2)}</td><td>${pct(chosen.accuracy, 2)}</td>`);
    expect(reportHtml(verification)).toContain(`Verification at threshold ${r.eer.threshold.toFixed(4)}`);
    const html = reportHtml(verification);
    expect(html).toContain(`<td>equal error rate</td><td>${r.eer.threshold.toFixed(4)}</td>`);
    expect(html).toContain(`<td>Youden-optimal</td><td>${r.youden.threshold.toFixed(4)}</td>`);
    expect(html).toContain(`LFW 10-fold accuracy: ${pct(r.tenFold.mean, 2)} ± ${pct(r.tenFold.std, 2)}`);
    expect(html).toContain('12 pairs (from a pairs file)');
    for (const title of ['ROC curve', 'DET curve', 'Similarity of genuine and impostor pairs']) expect(html).toContain(`<title>${title}</title>`);
  });

  it('lists thresholds at the FAR targets the pairs resolve', () => {
    const big = largeVerification();
    const r = big.result as VerificationEvaluation;
    const html = reportHtml(big);
    for (const f of r.atFar) expect(html).toContain(`<td>FAR ≤ ${pct(f.target, 1)}</td><td>${f.threshold.toFixed(4)}</td><td>${pct(f.far, 2)}</td><td>${pct(f.frr, 2)}</td>`);
    expect(html).not.toContain('FAR ≤ 0.1 %');
    expect(html).toContain('below 1 in 594 (one impostor pair) cannot be measured');
    expect(html).toContain('630 pairs (every genuine and impostor pair of 12 identities)');
  });

  it('reports the tracker at the cut it is given, with boxes drawn over its pictures', () => {
    const r = detection.result as DetectionEvaluation;
    const iou = `${r.meanIou.toFixed(3)} (95 % CI ${r.meanIouInterval.low.toFixed(3)}–${r.meanIouInterval.high.toFixed(3)})`;
    // 1 hit of 2 images: Wilson 9.5 %–90.5 % (scipy binomtest(1, 2).proportion_ci(method='wilson')).
    expect(reportHtml(detection)).toContain(`<td>${iou}</td><td>90 %</td><td>1 of 2</td><td>50.0 % (95 % CI 9.5 %–90.5 %)</td>`);
    expect(reportHtml(detection, { thresholds: { detection: 0.2 } })).toContain('<td>20 %</td><td>2 of 2</td><td>50.0 % (95 % CI 9.5 %–90.5 %)</td>');
    // Issue 27: a cut no image passes measures nothing, and says so instead of "0.0 %".
    expect(reportHtml(detection, { thresholds: { detection: 0.999 } })).toContain('<td>0 of 2</td><td>—: no image passes the confidence cut</td>');
    const html = reportHtml(detection, { images: { 'sample-1': 'data:image/png;base64,AAAA' } });
    // Sample 1: true box [0.5, 0.5, 1, 1], predicted [0, 0, 0.5, 0.5], in percent of the picture.
    expect(html).toContain('<rect x="50.00" y="50.00" width="50.00" height="50.00" fill="none" stroke="#1a7f37"');
    expect(html).toContain('<rect x="0.00" y="0.00" width="50.00" height="50.00" fill="none" stroke="#d4560b"');
    expect(html).toContain('Confusion matrix');
    expect(html).toContain('<title>Box IoU</title>');
  });

  it('says whether the model learned, why, what to try, and warns on a small sample', () => {
    const html = reportHtml(verification);
    // 6 + 6 pairs: the AUC's bootstrap interval reaches 0.5.
    expect(html).toContain('<section class="verdict chance"><h2>This model has not learned: on this split it does no better than chance.</h2>');
    expect(html).toContain('LR finder');
    expect(html).toContain('<ul class="warning"><li>Small sample: 6 genuine and 6 impostor pairs');
    expect(html).toMatch(/ROC AUC \d\.\d{4} \(95 % CI \d\.\d{3}–\d\.\d{3}\); equal error rate/);
    expect(reportHtml(classification)).toContain('<h2>This model ');
  });

  it('names the epoch early stopping restored', () => {
    const restored = { ...classification, meta: { ...classification.meta, checkpoint: { slot: 'final', epoch: 5, step: 50, restoredEpoch: 1 } } };
    expect(reportHtml(restored)).toContain('checkpoint final: weights of epoch 1, restored by early stopping; the run ended at epoch 5, step 50');
  });

  it('escapes a title it is given', () => {
    const html = reportHtml(classification, { title: `Report ${evil}` });
    expect(html).toContain('<title>Report &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('<h1>Report &lt;script&gt;');
  });
});
