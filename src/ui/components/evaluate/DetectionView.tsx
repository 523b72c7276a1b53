import { useMemo } from 'react';
import type { Box } from '../../../core/data/sampleSource.ts';
import type { DetectionEvaluation, EvaluationReport } from '../../../core/evaluate/evaluationReport.ts';
import { detectionAt } from '../../../core/evaluate/thresholdView.ts';
import { CHART_COLORS } from '../../../report/svgFrame.ts';
import { useEvaluateStore } from '../../../store/evaluateStore.ts';
import { ClassificationView } from './ClassificationView.tsx';
import { formatInterval } from './formatInterval.ts';
import { formatPercent } from './formatPercent.ts';
import { SampleThumb } from './SampleThumb.tsx';
import { HistogramChart } from './HistogramChart.tsx';

/** Examples drawn with their boxes: the worst IoUs first, where a person learns most. */
const EXAMPLES = 24;

function BoxOverlay({ truth, predicted }: { truth: Box; predicted: Box }) {
  const rect = (b: Box, className: string) => (
    <rect className={className} x={b[0] * 100} y={b[1] * 100} width={Math.max(0, b[2] - b[0]) * 100} height={Math.max(0, b[3] - b[1]) * 100} />
  );
  return (
    <svg className="eval-boxes" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
      {rect(truth, 'box-true')}
      {rect(predicted, 'box-pred')}
    </svg>
  );
}

/** Seed 001's tracker judged: box quality (IoU), precision at IoU ≥ 0.5 above a confidence cut the user moves, and the class head. */
export function DetectionView({ report, result, stem }: { report: EvaluationReport; result: DetectionEvaluation; stem: string }) {
  const stored = useEvaluateStore((s) => s.thresholds.detection);
  const setThresholds = useEvaluateStore((s) => s.setThresholds);
  const cut = stored ?? result.confidenceThreshold;
  const at = useMemo(() => detectionAt(result, cut), [result, cut]);
  const histogram = useMemo(() => [{ key: 'images', label: 'images', color: CHART_COLORS.a, counts: result.iouHistogram.counts }], [result]);
  const examples = useMemo(() => [...result.items].sort((a, b) => a.iou - b.iou).slice(0, EXAMPLES), [result]);
  const names = report.meta.classNames;
  return (
    <>
      <section className="panel" aria-label="Boxes">
        <dl className="eval-summary" data-testid="evaluate.summary">
          <div data-testid="evaluate.meanIou" data-value={result.meanIou} data-low={result.meanIouInterval.low} data-high={result.meanIouInterval.high}>
            <dt>Mean IoU (all images)</dt>
            <dd>{result.meanIou.toFixed(3)}</dd>
            <dd className="eval-ci">
              {formatInterval(result.meanIouInterval, 'score')} · {result.samples} images
            </dd>
          </div>
          <div data-testid="evaluate.precision50" data-value={at.precisionAtIou50 ?? ''}>
            <dt>Precision at IoU ≥ 0.5</dt>
            {at.precisionAtIou50 === undefined || !at.precisionInterval ? (
              <dd data-testid="evaluate.precision50.empty">—: no image passes the confidence cut</dd>
            ) : (
              <>
                <dd>{formatPercent(at.precisionAtIou50)}</dd>
                <dd className="eval-ci">
                  {formatInterval(at.precisionInterval)} · {at.hits} of {result.samples} images
                </dd>
              </>
            )}
          </div>
          <div data-testid="evaluate.kept" data-value={at.kept}>
            <dt>Images above the cut</dt>
            <dd>
              {at.kept} of {result.samples}
            </dd>
          </div>
        </dl>
        <label className="eval-slider">
          Class-confidence cut <output>{formatPercent(cut, 0)}</output>
          <input type="range" min={0} max={1} step={0.01} value={cut} data-testid="evaluate.detectionCut" onChange={(e) => setThresholds({ detection: e.target.valueAsNumber })} />
        </label>
        <HistogramChart
          testId="evaluate.chart.iou"
          title="IoU of predicted and true boxes"
          fileName={`${stem}-iou`}
          edges={result.iouHistogram.edges}
          series={histogram}
          xName="IoU"
          yName="images"
          threshold={0.5}
          digits={2}
        />
      </section>
      <section className="panel" aria-label="Examples">
        <h3>Lowest-IoU examples</h3>
        <p className="muted">
          <span className="legend-true">true box</span> · <span className="legend-pred">predicted box</span>
        </p>
        <div className="eval-gallery" data-testid="evaluate.boxes">
          {examples.map((item) => (
            <SampleThumb key={item.index} sampleId={report.meta.sampleIds[item.index]} caption={`IoU ${item.iou.toFixed(2)} · ${names[item.predicted]} ${formatPercent(item.confidence, 0)}`}>
              <BoxOverlay truth={item.trueBox} predicted={item.predictedBox} />
            </SampleThumb>
          ))}
        </div>
      </section>
      <ClassificationView report={report} result={result.classification} stem={stem} />
    </>
  );
}
