import { describe, expect, it } from 'vitest';
import type { DetectionEvaluation, VerificationEvaluation } from '../core/evaluate/evaluationReport.ts';
import { evaluateReference as ref } from '../core/evaluate/fixtures/evaluateReference.ts';
import { parseCsv } from './fixtures/markup.ts';
import { classification, detection, evil, largeVerification, verification } from './fixtures/reports.ts';
import { metricsCsv, metricsJson, summaryMetrics } from './metricsFiles.ts';

// Numbers: scikit-learn via test/reference/evaluate_predictions.py.

describe('metricsCsv', () => {
  it('writes RFC 4180 CSV that parses back, class and run names quoted', () => {
    const text = metricsCsv(classification);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    const value = (k: string) => rows.find((row) => row[0] === k)?.[1];
    expect(rows[0]).toEqual(['metric', 'value']);
    expect([value('run_id'), value('run_name'), value('dataset_name'), value('dataset_version')]).toEqual(['run-42', `my ${evil} run`, 'shapes & co', 'abcdef0123456789']);
    expect([value('checkpoint'), value('checkpoint_epoch'), value('checkpoint_step'), value('backend')]).toEqual(['final', '3', '30', 'webgpu / Test GPU']);
    expect(Number(value('top1_accuracy'))).toBe(ref.top1);
    expect(Number(value('top2_accuracy'))).toBe(ref.top2);
    const header = rows.findIndex((row) => row[0] === 'class');
    expect(rows[header - 1]).toEqual(['']);
    expect(rows[header]).toEqual(['class', 'precision', 'recall', 'f1', 'support']);
    const table = rows.slice(header + 1);
    expect(table.map((row) => row[0])).toEqual(['a,"b"', evil, 'c', 'd']);
    table.forEach((row, i) => {
      expect(Number(row[1])).toBe(ref.precision[i]);
      expect(Number(row[3])).toBeCloseTo(ref.f1[i], 12);
    });
    expect(table.reduce((s, row) => s + Number(row[4]), 0)).toBe(ref.labels.length);
    expect(text).toContain('"a,""b"""');
  });

  it('lists every summary metric once, at full precision', () => {
    const rows = parseCsv(metricsCsv(verification));
    for (const [k, v] of summaryMetrics(verification)) expect(rows.filter((row) => row[0] === k).map((row) => Number(row[1]))).toEqual([v]);
    // Verification has no per-class table.
    expect(rows.some((row) => row[0] === 'class')).toBe(false);
  });

  it('names thresholds at FAR by the target, not by the rate reached', () => {
    const big = largeVerification();
    const r = big.result as VerificationEvaluation;
    // 594 impostors resolve 10 % and 1 % (5.9 pairs), not 0.1 %.
    expect(r.atFar.map((f) => f.target)).toEqual([0.1, 0.01]);
    const rows = Object.fromEntries(parseCsv(metricsCsv(big)).map((row) => [row[0], row[1]]));
    expect(Number(rows['threshold_at_far_0.01'])).toBe(r.atFar[1].threshold);
    expect(Number(rows['far_at_far_0.01'])).toBeLessThanOrEqual(0.01);
    expect(rows).not.toHaveProperty('threshold_at_far_0.001');
  });

  it('adds the class head of the tracker after its box numbers', () => {
    const rows = parseCsv(metricsCsv(detection));
    const value = (k: string) => rows.find((row) => row[0] === k)?.[1];
    expect([value('mean_iou'), value('precision_iou50'), value('confidence_threshold')]).toEqual(['0.5', '0.5', '0.9']);
    expect(rows.slice(rows.findIndex((row) => row[0] === 'class') + 1).map((row) => row[0])).toEqual(['face', evil]);
  });

  it('writes each headline’s 95 % interval, the verdict, and the epoch whose weights were scored', () => {
    const rows = Object.fromEntries(parseCsv(metricsCsv(classification)).map((row) => [row[0], row[1]]));
    // 18 of 40 right: Wilson 0.30705–0.60171 (scipy binomtest(18, 40).proportion_ci(method='wilson')).
    expect(Number(rows.top1_accuracy_ci_low)).toBeCloseTo(0.30705307810904925, 12);
    expect(Number(rows.top1_accuracy_ci_high)).toBeCloseTo(0.6017090820106794, 12);
    expect(rows.learned).toBe('1');
    expect(rows.checkpoint_weights_epoch).toBe('3');
    const v = Object.fromEntries(parseCsv(metricsCsv(verification)).map((row) => [row[0], row[1]]));
    expect(Number(v.auc_ci_low)).toBeLessThanOrEqual(Number(v.auc));
    expect(Number(v.auc_ci_high)).toBeGreaterThanOrEqual(Number(v.auc));
    expect(v.learned).toBe('0');
    const restored = { ...classification, meta: { ...classification.meta, checkpoint: { slot: 'final', epoch: 5, step: 50, restoredEpoch: 1 } } };
    expect(Object.fromEntries(parseCsv(metricsCsv(restored)).map((row) => [row[0], row[1]])).checkpoint_weights_epoch).toBe('1');
  });

  it('leaves out precision at IoU when no image passes the cut, instead of writing 0', () => {
    const r = detection.result as DetectionEvaluation;
    const none = { ...detection, result: { ...r, confidenceThreshold: 0.999 } };
    const rows = Object.fromEntries(parseCsv(metricsCsv(none)).map((row) => [row[0], row[1]]));
    expect(rows).not.toHaveProperty('precision_iou50');
    expect(rows.images_above_confidence_threshold).toBe('0');
  });
});

describe('metricsJson', () => {
  it('round-trips the meta, the summary, the per-class table and the curves', () => {
    const parsed = JSON.parse(metricsJson(classification)) as {
      meta: { runId: string; samples: number; checkpoint: { step: number } };
      summary: Record<string, number>;
      perClass: { class: string; precision: number; support: number }[];
      result: { confusion: number[][] };
      sampleIds: string[];
    };
    expect([parsed.meta.runId, parsed.meta.samples, parsed.meta.checkpoint.step]).toEqual(['run-42', 40, 30]);
    expect(parsed.summary).toEqual(Object.fromEntries(summaryMetrics(classification)));
    expect(parsed.perClass.map((c) => c.class)).toEqual(['a,"b"', evil, 'c', 'd']);
    expect(parsed.perClass.map((c) => c.precision)).toEqual(ref.precision);
    expect(parsed.result.confusion).toEqual(ref.confusion);
    expect(parsed.sampleIds).toHaveLength(40);
  });

  it('keeps the verification curves, with JSON null for the accept-nothing threshold', () => {
    const parsed = JSON.parse(metricsJson(verification)) as { summary: Record<string, number>; result: { auc: number; roc: { fpr: number[]; thresholds: (number | null)[] } } };
    const r = verification.result as VerificationEvaluation;
    expect(parsed.summary['auc']).toBeCloseTo(ref.auc, 12);
    expect(parsed.result.auc).toBe(parsed.summary['auc']);
    expect(parsed.result.roc.fpr).toEqual(r.roc.fpr);
    expect(parsed.result.roc.thresholds[0]).toBeNull();
    expect(parsed).not.toHaveProperty('perClass');
  });
});
