import { describe, expect, it } from 'vitest';
import type { ClassificationEvaluation, VerificationEvaluation } from '../core/evaluate/evaluationReport.ts';
import { verificationAt } from '../core/evaluate/thresholdView.ts';
import { confusionColors, relativeLuminance } from './confusionColors.ts';
import { xmlProblem } from './fixtures/markup.ts';
import { classification, classNames, evil, largeVerification, verification } from './fixtures/reports.ts';
import {
  classMetricsChart,
  confusionChart,
  decadeTicks,
  detAxisFloor,
  detChart,
  iouHistogramChart,
  reliabilityChart,
  rocChart,
  similarityHistogramChart,
} from './svgCharts.ts';

const c = classification.result as ClassificationEvaluation;
const v = verification.result as VerificationEvaluation;
const big = largeVerification().result as VerificationEvaluation;

const charts: [string, string][] = [
  ['roc', rocChart(v.roc, v.auc, { marker: { fpr: 0.2, tpr: 0.8 } })],
  ['det', detChart(big.det, { marker: { far: 0.1, frr: 0.1 } })],
  ['similarity', similarityHistogramChart(v.histogram, { threshold: 0.2 })],
  ['reliability', reliabilityChart(c.calibration)],
  ['iou', iouHistogramChart({ edges: [0, 0.25, 0.5, 0.75, 1], counts: [1, 0, 3, 2] }, { threshold: 0.5 })],
  ['confusion', confusionChart(c.confusion, classNames)],
  ['per-class', classMetricsChart(c.report, classNames)],
];

/** The x of the first `<circle>` (the operating-point marker). */
const markerX = (svg: string) => Number(/<circle cx="([\d.]+)"/.exec(svg)?.[1]);
const markerY = (svg: string) => Number(/<circle cx="[\d.]+" cy="([\d.]+)"/.exec(svg)?.[1]);

describe('svg charts', () => {
  it.each(charts)('%s is a well-formed standalone SVG document with a title', (_, svg) => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toMatch(/<title>[^<]+<\/title>/);
    // Nothing a rasterizer would have to fetch or could not draw.
    expect(svg).not.toMatch(/href=|<foreignObject|url\(|<style|@import|NaN|Infinity/);
  });

  it('escapes class names, and replaces characters XML cannot hold', () => {
    for (const svg of [confusionChart(c.confusion, classNames), classMetricsChart(c.report, classNames)]) {
      expect(svg).not.toContain(evil);
      // Shortened beside the chart, whole in the label's tooltip.
      expect(svg).toContain('>&lt;script&gt;alert…</text>');
      expect(svg).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
      expect(svg).toContain('>a,&quot;b&quot;</text>');
    }
    expect(confusionChart([[1]], ['😀'.repeat(20)])).toContain(`>${'😀'.repeat(13)}…</text>`);
    const odd = confusionChart(c.confusion, ['bell\u0007', 'lone \ud800', 'tab\tok', 'emoji 😀']);
    expect(xmlProblem(odd)).toBeUndefined();
    expect(odd).toContain('bell\ufffd');
    expect(odd).toContain('lone \ufffd');
    expect(odd).toContain('emoji 😀');
  });

  it('draws ROC with its diagonal and the AUC in the legend', () => {
    const svg = rocChart(v.roc, v.auc);
    expect(svg).toContain(`ROC, AUC ${v.auc.toFixed(4)}`);
    expect(svg).toMatch(/<path d="M56\.00,256\.00L404\.00,44\.00" fill="none" stroke="#8c959f" stroke-width="1" stroke-dasharray="4 4"\/>/);
  });

  it('puts decades on the DET axes, starting at the decade of the smallest non-zero rate', () => {
    expect(decadeTicks(1e-3)).toEqual([0.001, 0.01, 0.1, 1]);
    expect(detAxisFloor({ fpr: [0.5, 0.04, 0.004], fnr: [0.002, 0.3, 0.6] })).toBe(1e-3);
    expect(detAxisFloor({ fpr: [0.5, 2e-5, 0], fnr: [0.2, 0.3, 0.6] })).toBe(1e-5);
    expect(detAxisFloor({ fpr: [1e-5, 0.5], fnr: [0.5, 0.001] })).toBe(1e-5);
    expect(detAxisFloor({ fpr: [1e-8, 0.5], fnr: [0.5, 0.1] })).toBe(1e-6);
    const fine = detChart({ fpr: [0.5, 0.01, 2e-5], fnr: [0.001, 0.2, 0.6] });
    for (const label of ['0.001%', '0.01%', '0.1%', '1%', '10%', '100%']) expect(fine).toContain(`>${label}<`);
    expect(fine).not.toContain('drawn on the axis');
  });

  it('draws rates of 0 on the DET axis and says so', () => {
    expect(big.det.fpr.at(-1)).toBe(0);
    expect(detChart(big.det)).toContain(`rates of 0 drawn on the axis (${detAxisFloor(big.det) * 100}%)`);
  });

  it('moves the threshold line and the operating-point markers with the threshold', () => {
    const x = (t: number) => Number(/data-threshold="[^"]*" x1="([\d.]+)"/.exec(similarityHistogramChart(v.histogram, { threshold: t }))?.[1]);
    expect(x(0.5)).toBeGreaterThan(x(0));
    expect(x(0)).toBeGreaterThan(x(-0.5));
    // -1 … 1 over the plot: 0 sits in the middle of the frame.
    expect((x(0.5) + x(-0.5)) / 2).toBeCloseTo(x(0), 6);
    const iouLine = (t: number) => Number(/data-threshold="[^"]*" x1="([\d.]+)"/.exec(iouHistogramChart({ edges: [0, 0.5, 1], counts: [1, 1] }, { threshold: t }))?.[1]);
    expect(iouLine(0.75)).toBeGreaterThan(iouLine(0.5));
    // A stricter threshold accepts fewer impostors and fewer genuine pairs: the ROC marker moves left and down, the DET marker left and up.
    const [loose, strict] = [-0.2, 0.6].map((t) => verificationAt(big, t));
    expect(strict.far).toBeLessThan(loose.far);
    const roc = (r: typeof loose) => rocChart(big.roc, big.auc, { marker: { fpr: r.far, tpr: 1 - r.frr } });
    const det = (r: typeof loose) => detChart(big.det, { marker: { far: r.far, frr: r.frr } });
    expect(markerX(roc(strict))).toBeLessThan(markerX(roc(loose)));
    expect(markerY(roc(strict))).toBeGreaterThan(markerY(roc(loose)));
    expect(markerX(det(strict))).toBeLessThan(markerX(det(loose)));
    expect(markerY(det(strict))).toBeLessThan(markerY(det(loose)));
  });

  it('states ECE in the reliability title and counts over its bars', () => {
    const svg = reliabilityChart(c.calibration);
    expect(svg).toContain(`<title>Reliability diagram, ECE ${(c.calibration.ece * 100).toFixed(2)}%</title>`);
    for (const b of c.calibration.bins.filter((bin) => bin.count > 0)) expect(svg).toContain(`>${b.count}<`);
  });

  it('writes each confusion count in its cell and colours by the share of the row', () => {
    const svg = confusionChart(
      [
        [9, 1],
        [1, 1],
      ],
      ['x', 'y'],
    );
    const cells = [...svg.matchAll(/<rect x="\d+" y="\d+" width="\d+" height="\d+" fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    // Row x: 90 % / 10 %; row y: 50 % / 50 % — the lone y→x error is darker than the x→y one.
    expect(cells).toEqual([confusionColors(9, 10, true), confusionColors(1, 10, false), confusionColors(1, 2, false), confusionColors(1, 2, true)].map((c) => c.background));
    expect(relativeLuminance(cells[2])).toBeLessThan(relativeLuminance(cells[1]));
    // Each count is written in its cell's text colour (WCAG AA on its fill, confusionColors.test.ts).
    expect(svg).toContain(`fill="${confusionColors(1, 10, false).text}">1</text>`);
  });
});
