import { useMemo } from 'react';
import type { EvaluationReport, VerificationEvaluation } from '../../../core/evaluate/evaluationReport.ts';
import { verificationAt } from '../../../core/evaluate/thresholdView.ts';
import { wilsonInterval } from '../../../core/metrics/index.ts';
import { decadeTicks, detAxisFloor, logPercent } from '../../../report/svgCharts.ts';
import { CHART_COLORS } from '../../../report/svgFrame.ts';
import { useEvaluateStore } from '../../../store/evaluateStore.ts';
import { formatInterval } from './formatInterval.ts';
import { formatThreshold } from './formatThreshold.ts';
import { formatPercent } from './formatPercent.ts';
import { CurveChart, type CurvePoint } from './CurveChart.tsx';
import { HistogramChart } from './HistogramChart.tsx';

/** Fine enough that a threshold the page names (to 4 decimals) is one the slider can be set to. */
const SLIDER_STEP = 0.0001;
const thr = formatThreshold;
const ROC_X = { name: 'FAR', label: 'false accept rate (FPR)' };
const ROC_Y = { name: 'TPR', label: 'true accept rate (TPR)' };
const DET_X = { name: 'FAR', label: 'false accept rate (log)' };
const DET_Y = { name: 'FRR', label: 'false reject rate (log)' };

/** The index of the curve point nearest (x, y): the equal-error point, which decimation keeps. */
function nearest(points: readonly CurvePoint[], x: number, y: number): number {
  let best = 0;
  for (let i = 1; i < points.length; i++) {
    if (Math.abs(points[i].rates[0] - x) + Math.abs(points[i].rates[1] - y) < Math.abs(points[best].rates[0] - x) + Math.abs(points[best].rates[1] - y)) best = i;
  }
  return best;
}

/** The ROC as points along increasing FAR, each with the threshold that reaches it. */
function rocPoints(result: VerificationEvaluation): CurvePoint[] {
  const { fpr, tpr, thresholds } = result.roc;
  return fpr.map((x, i) => ({ x, y: tpr[i], threshold: thresholds[i], rates: [x, tpr[i]] as const }));
}

/**
 * The DET curve along increasing FAR (it is stored the other way), on log axes from the
 * floor src/report's DET uses: a rate of 0 is drawn on the floor, as the report does.
 */
function detPoints(result: VerificationEvaluation, floor: number): CurvePoint[] {
  const { fpr, fnr, thresholds } = result.det;
  return fpr.map((x, i) => ({ x: Math.max(floor, x), y: Math.max(floor, fnr[i]), threshold: thresholds[i], rates: [x, fnr[i]] as const })).reverse();
}

/** Verification of an embedding model: similarity distributions, ROC, DET, and a threshold the user moves. */
export function VerificationView({ result, stem }: { report: EvaluationReport; result: VerificationEvaluation; stem: string }) {
  const stored = useEvaluateStore((s) => s.thresholds.verification);
  const setThresholds = useEvaluateStore((s) => s.setThresholds);
  const threshold = stored ?? result.eer.threshold;
  const at = useMemo(() => verificationAt(result, threshold), [result, threshold]);
  const histogram = useMemo(
    () => [
      { key: 'impostor', label: 'impostor pairs', color: CHART_COLORS.b, counts: result.histogram.impostor },
      { key: 'genuine', label: 'genuine pairs', color: CHART_COLORS.c, counts: result.histogram.genuine },
    ],
    [result],
  );
  const roc = useMemo(() => {
    const points = rocPoints(result);
    return { points, keep: [nearest(points, result.eer.far, 1 - result.eer.frr)] };
  }, [result]);
  const det = useMemo(() => {
    const floor = detAxisFloor(result.det);
    const points = detPoints(result, floor);
    const clamped = points.some((p) => p.rates[0] < floor || p.rates[1] < floor);
    return {
      floor,
      points,
      keep: [nearest(points, result.eer.far, result.eer.frr)],
      log: { floor, ticks: decadeTicks(floor), format: logPercent },
      note: clamped ? `rates of 0 drawn on the axis (${logPercent(floor)})` : undefined,
    };
  }, [result]);
  const presets: { label: string; value: number; testId: string }[] = [
    { label: `EER (${thr(result.eer.threshold)})`, value: result.eer.threshold, testId: 'evaluate.threshold.eer' },
    { label: `Youden (${thr(result.youden.threshold)})`, value: result.youden.threshold, testId: 'evaluate.threshold.youden' },
    ...result.atFar.map((f) => ({ label: `FAR ≤ ${formatPercent(f.target, 1)} (${thr(f.threshold)})`, value: f.threshold, testId: `evaluate.threshold.far${f.target}` })),
  ];
  const genuine = result.pairs.filter((p) => p.same === 1).length;
  const impostor = result.pairs.length - genuine;
  const accuracyInterval = wilsonInterval(at.tp + at.tn, result.pairs.length);
  return (
    <>
      <section className="panel" aria-label="Summary">
        <dl className="eval-summary" data-testid="evaluate.summary">
          <div data-testid="evaluate.auc" data-value={result.auc} data-low={result.aucInterval.low} data-high={result.aucInterval.high}>
            <dt>ROC AUC</dt>
            <dd>{result.auc.toFixed(4)}</dd>
            <dd className="eval-ci">
              {formatInterval(result.aucInterval, 'score')} · bootstrap over {result.pairs.length} pairs
            </dd>
          </div>
          <div data-testid="evaluate.eer" data-value={result.eer.eer} data-threshold={result.eer.threshold} data-far={result.eer.far} data-frr={result.eer.frr}>
            <dt>Equal error rate</dt>
            <dd>{formatPercent(result.eer.eer, 2)}</dd>
            <dd className="eval-ci">
              {formatInterval(result.eerInterval, 'percent', 1)} · at ≥ {thr(result.eer.threshold)}: FAR {formatPercent(result.eer.far, 2)}, FRR {formatPercent(result.eer.frr, 2)}
            </dd>
          </div>
          <div data-testid="evaluate.tenFold" data-value={result.tenFold.mean}>
            <dt>10-fold accuracy (LFW protocol)</dt>
            <dd>
              {formatPercent(result.tenFold.mean, 2)} ± {formatPercent(result.tenFold.std, 2)}
            </dd>
            <dd className="eval-ci">mean ± std over 10 folds of {Math.ceil(result.pairs.length / 10)} pairs or fewer</dd>
          </div>
          <div>
            <dt>Pairs</dt>
            <dd>
              {genuine} genuine, {impostor} impostor ({result.pairSource === 'imported' ? 'from the pairs file' : `from ${result.identities} identities`})
            </dd>
          </div>
        </dl>
      </section>
      <section className="panel" aria-label="Decision threshold">
        <h3>Decision threshold</h3>
        <label className="eval-slider">
          Cosine similarity threshold (accept a pair at or above it) <output data-testid="evaluate.threshold.value">{thr(threshold)}</output>
          <input
            type="range"
            min={-1}
            max={1}
            step={SLIDER_STEP}
            value={threshold}
            data-testid="evaluate.threshold"
            aria-valuetext={thr(threshold)}
            onChange={(e) => setThresholds({ verification: e.target.valueAsNumber })}
          />
        </label>
        <div className="eval-presets">
          {presets.map((p) => (
            <button key={p.testId} type="button" data-testid={p.testId} onClick={() => setThresholds({ verification: p.value })}>
              {p.label}
            </button>
          ))}
        </div>
        <dl className="eval-summary" aria-live="polite">
          <div data-testid="evaluate.far" data-value={at.far}>
            <dt>False accepts (FAR)</dt>
            <dd>{formatPercent(at.far, 2)}</dd>
            <dd className="eval-ci">
              {at.fp} of {impostor} impostor pairs
            </dd>
          </div>
          <div data-testid="evaluate.frr" data-value={at.frr}>
            <dt>False rejects (FRR)</dt>
            <dd>{formatPercent(at.frr, 2)}</dd>
            <dd className="eval-ci">
              {at.fn} of {genuine} genuine pairs
            </dd>
          </div>
          <div data-testid="evaluate.accuracy" data-value={at.accuracy}>
            <dt>Accuracy</dt>
            <dd>{formatPercent(at.accuracy, 2)}</dd>
            <dd className="eval-ci">
              {formatInterval(accuracyInterval)} · {at.tp + at.tn} of {result.pairs.length} pairs
            </dd>
          </div>
        </dl>
      </section>
      <section className="panel eval-three" aria-label="Verification charts">
        <HistogramChart
          testId="evaluate.chart.histogram"
          title="Genuine and impostor similarities"
          fileName={`${stem}-similarity`}
          edges={result.histogram.edges}
          series={histogram}
          xName="cosine similarity"
          yName="pairs"
          threshold={threshold}
          digits={2}
        />
        <CurveChart
          testId="evaluate.chart.roc"
          title="ROC curve"
          fileName={`${stem}-roc`}
          points={roc.points}
          label={`ROC, AUC ${result.auc.toFixed(4)}`}
          x={ROC_X}
          y={ROC_Y}
          keep={roc.keep}
          marker={{ x: at.far, y: 1 - at.frr }}
          diagonal
        />
        <CurveChart
          testId="evaluate.chart.det"
          title="DET curve (log axes)"
          fileName={`${stem}-det`}
          points={det.points}
          label="DET"
          x={DET_X}
          y={DET_Y}
          keep={det.keep}
          marker={{ x: Math.max(det.floor, at.far), y: Math.max(det.floor, at.frr) }}
          log={det.log}
          note={det.note}
        />
      </section>
      <section className="panel" aria-label="Operating points">
        <h3>Operating points</h3>
        <table className="eval-table" data-testid="evaluate.operatingPoints">
          <thead>
            <tr>
              <th scope="col">Point</th>
              <th scope="col">Threshold</th>
              <th scope="col">FAR</th>
              <th scope="col">FRR</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Equal error rate</th>
              <td>{thr(result.eer.threshold)}</td>
              <td>{formatPercent(result.eer.far, 2)}</td>
              <td>{formatPercent(result.eer.frr, 2)}</td>
            </tr>
            <tr>
              <th scope="row">Youden-optimal</th>
              <td>{result.youden.threshold.toFixed(4)}</td>
              <td>{formatPercent(result.youden.fpr, 2)}</td>
              <td>{formatPercent(1 - result.youden.tpr, 2)}</td>
            </tr>
            {result.atFar.map((f) => (
              <tr key={f.target}>
                <th scope="row">At FAR ≤ {formatPercent(f.target, 1)}</th>
                <td>{f.threshold.toFixed(4)}</td>
                <td>{formatPercent(f.far, 2)}</td>
                <td>{formatPercent(f.frr, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
