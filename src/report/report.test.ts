import { describe, expect, it } from 'vitest';
import { evaluateClassification, evaluateDetection, evaluateVerification } from '../core/evaluate/evaluatePredictions.ts';
import type { EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import { evaluateReference as ref } from '../core/evaluate/fixtures/evaluateReference.ts';
import { metricsCsv, metricsJson, summaryMetrics } from './metricsFiles.ts';
import { reportHtml } from './reportHtml.ts';
import { decadeTicks, detChart, rocChart, similarityHistogramChart } from './svgCharts.ts';

const evil = '<script>alert(1)</script>';
const names = ['a,"b"', evil, 'c', 'd'];

function meta(classNames: string[], n: number): EvaluationReport['meta'] {
  return {
    runId: 'run-42',
    runName: `my ${evil} run`,
    architecture: 'smallCnn',
    task: 'classification',
    datasetId: 'ds-1',
    datasetName: 'shapes',
    datasetVersion: 'abcdef0123456789',
    checkpoint: { slot: 'final', epoch: 3, step: 30 },
    split: 'test',
    classNames,
    sampleIds: Array.from({ length: n }, (_, i) => `sample-${i}`),
    backend: 'cpu',
    cost: { params: 1234, trainableParams: 1200, bytes: 4936, macs: 500, flops: 1000, latencyMs: 1.5 },
    createdAt: Date.UTC(2026, 10, 22),
  };
}

const classification: EvaluationReport = { meta: meta(names, ref.labels.length), result: evaluateClassification(ref.probs, ref.labels, names) };
const pairs = ref.pairs.map(([a, b, same]) => ({ a, b, same: same as 0 | 1 }));
const verification: EvaluationReport = {
  meta: { ...meta(['p0', 'p1', 'p2', 'p3'], ref.identities.length), task: 'embedding' },
  result: evaluateVerification({ data: Float32Array.from(ref.embeddings.flat()), dim: ref.embeddings[0].length }, ref.identities, 1, pairs),
};

/** Every opened tag is closed in order (self-closing tags aside): enough to catch a broken string builder. */
function balanced(markup: string, voidTags: string[] = []): boolean {
  const stack: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, tag, selfClosing] = m;
    if (selfClosing || voidTags.includes(tag.toLowerCase())) continue;
    if (closing) {
      if (stack.pop() !== tag) return false;
    } else stack.push(tag);
  }
  return stack.length === 0;
}

/** A minimal RFC 4180 reader for the test: quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\r\n').filter((l) => l !== '')) {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (line[i] === '"') break;
          else value += line[i++];
        }
        fields.push(value);
        i += 2;
      } else {
        const end = line.indexOf(',', i);
        fields.push(line.slice(i, end < 0 ? line.length : end));
        i = end < 0 ? line.length + 1 : end + 1;
      }
    }
    rows.push(fields);
  }
  return rows;
}

describe('svg charts', () => {
  const r = verification.result;
  if (r.kind !== 'verification') throw new Error('expected verification');

  it('are well-formed standalone SVG documents', () => {
    for (const svg of [rocChart(r.roc, r.auc), detChart(r.det), similarityHistogramChart(r.histogram, { threshold: 0.2 })]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(balanced(svg)).toBe(true);
      expect(svg).not.toMatch(/href=|<foreignObject|url\(/);
    }
  });

  it('puts decades on the DET axes', () => {
    expect(decadeTicks()).toEqual([0.001, 0.01, 0.1, 1]);
    const svg = detChart(r.det);
    for (const label of ['0.1%', '1%', '10%', '100%']) expect(svg).toContain(`>${label}<`);
  });

  it('moves the threshold line with the threshold', () => {
    const x = (t: number) => Number(/data-threshold="[^"]*" x1="([\d.]+)"/.exec(similarityHistogramChart(r.histogram, { threshold: t }))?.[1]);
    expect(x(0.5)).toBeGreaterThan(x(0));
    expect(x(0)).toBeGreaterThan(x(-0.5));
    // -1 … 1 over the plot: 0 sits in the middle of the frame.
    expect((x(0.5) + x(-0.5)) / 2).toBeCloseTo(x(0), 6);
  });
});

describe('metrics files', () => {
  it('writes CSV that parses back, class names quoted', () => {
    const rows = parseCsv(metricsCsv(classification));
    expect(rows[0]).toEqual(['metric', 'value']);
    expect(rows.find((row) => row[0] === 'top1_accuracy')?.[1]).toBe(String(ref.top1));
    const header = rows.findIndex((row) => row[0] === 'class');
    expect(rows[header + 1][0]).toBe('a,"b"');
    expect(rows[header + 2][0]).toBe(evil);
    expect(rows.slice(header + 1).map((row) => Number(row[4])).reduce((a, b) => a + b, 0)).toBe(ref.labels.length);
  });

  it('writes JSON that round-trips the summary and the result', () => {
    const parsed = JSON.parse(metricsJson(verification)) as { summary: Record<string, number>; result: { auc: number }; meta: { runId: string } };
    expect(parsed.summary['auc']).toBeCloseTo(ref.auc, 12);
    expect(parsed.result.auc).toBe(parsed.summary['auc']);
    expect(parsed.meta.runId).toBe('run-42');
  });
});

describe('reportHtml', () => {
  it('states where the numbers came from and every summary number, escaping user text', () => {
    const html = reportHtml(classification, { images: { 'sample-0': 'data:image/png;base64,AAAA' } });
    for (const fact of ['run-42', 'abcdef0123456789', 'final, epoch 3, step 30', 'test, 40 images', 'shapes (ds-1)']) expect(html).toContain(fact);
    for (const [, value] of summaryMetrics(classification)) expect(html).toContain(Number.isInteger(value) ? `>${value}<` : `>${value.toFixed(4)}<`);
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(balanced(html.replace(/<!doctype html>/i, ''), ['meta', 'img'])).toBe(true);
  });

  it('uses the thresholds it is given for the verification operating point', () => {
    const at = (t: number) => /Verification at threshold ([-\d.]+)/.exec(reportHtml(verification, { thresholds: { verification: t } }))?.[1];
    expect(at(0.25)).toBe('0.2500');
    expect(reportHtml(verification)).toContain(`Verification at threshold ${verification.result.kind === 'verification' ? verification.result.eer.threshold.toFixed(4) : ''}`);
  });

  it('reports the tracker with its boxes and class head', () => {
    const detection: EvaluationReport = {
      meta: { ...meta(['face', 'none'], 2), task: 'detection' },
      result: evaluateDetection([[0.95, 0.05], [0.3, 0.7]], [0, 1], [[0, 0, 1, 1], [0, 0, 0.5, 0.5]], [[0, 0, 1, 1], [0.5, 0.5, 1, 1]], ['face', 'none']),
    };
    const html = reportHtml(detection);
    expect(html).toContain('precision at IoU ≥ 0.5');
    expect(html).toContain('1 of 2');
    expect(html).toContain('Confusion matrix');
  });
});
