import { useMemo, useState } from 'react';
import type { ClassificationEvaluation, EvaluationReport } from '../../../core/evaluate/evaluationReport.ts';
import { bandsAt } from '../../../core/evaluate/thresholdView.ts';
import { wilsonInterval } from '../../../core/metrics/index.ts';
import { confusionColors } from '../../../report/confusionColors.ts';
import { classMetricsChart, confusionChart } from '../../../report/svgCharts.ts';
import { useEvaluateStore } from '../../../store/evaluateStore.ts';
import { Modal } from '../common/Modal.tsx';
import { formatInterval } from './formatInterval.ts';
import { formatPercent } from './formatPercent.ts';
import { SampleThumb } from './SampleThumb.tsx';
import { SvgFigure } from './SvgFigure.tsx';
import { SvgPngLink } from './SvgPngLink.tsx';
import { ReliabilityChart } from './ReliabilityChart.tsx';

interface Cell {
  label: number;
  predicted: number;
}

/** Most images a confusion cell opens at once: a grid larger than this is scrolled past, not read. */
const CELL_IMAGES = 120;

function ConfusionMatrix({ result, classNames, onOpen }: { result: ClassificationEvaluation; classNames: string[]; onOpen(cell: Cell): void }) {
  return (
    <div className="table-wrap">
      <table className="confusion" data-testid="evaluate.confusion" aria-label="Confusion matrix: rows are true classes, columns predicted classes">
        <thead>
          <tr>
            <th scope="col">true ↓ / predicted →</th>
            {classNames.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.confusion.map((row, t) => {
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={classNames[t]}>
                <th scope="row">{classNames[t]}</th>
                {row.map((count, p) => {
                  const colors = confusionColors(count, total, t === p);
                  const mistake = t !== p && count > 0;
                  return (
                    <td key={classNames[p]} style={{ background: colors.background }} className={mistake ? 'confusion-mistake' : undefined}>
                      <button
                        type="button"
                        className="confusion-cell"
                        style={{ color: colors.text }}
                        disabled={count === 0}
                        data-testid={`evaluate.cell.${t}.${p}`}
                        data-count={count}
                        aria-label={`${count} images of ${classNames[t]} predicted as ${classNames[p]}${mistake ? ' (mistakes)' : ''}`}
                        onClick={() => onOpen({ label: t, predicted: p })}
                      >
                        {count}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CellImages({ report, result, cell, onClose }: { report: EvaluationReport; result: ClassificationEvaluation; cell: Cell; onClose(): void }) {
  const names = report.meta.classNames;
  const members = result.cells[cell.label][cell.predicted];
  const title = `${members.length} × true ${names[cell.label]}, predicted ${names[cell.predicted]}`;
  return (
    <Modal title={title} onClose={onClose} testId="evaluate.cellImages">
      <div className="eval-gallery">
        {members.slice(0, CELL_IMAGES).map((i) => (
          <SampleThumb key={i} sampleId={report.meta.sampleIds[i]} caption={`${formatPercent(result.confidence[i])} ${names[result.predicted[i]]}`} />
        ))}
      </div>
      {members.length > CELL_IMAGES && <p className="muted">Showing the first {CELL_IMAGES} of {members.length}.</p>}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </Modal>
  );
}

function BandsEditor({ result }: { result: ClassificationEvaluation }) {
  const bands = useEvaluateStore((s) => s.thresholds.bands);
  const setThresholds = useEvaluateStore((s) => s.setThresholds);
  const valid = bands.caution <= bands.use;
  const counts = useMemo(() => (valid ? bandsAt(result, bands) : undefined), [result, bands, valid]);
  const edit = (key: 'use' | 'caution', percent: number) => {
    if (Number.isFinite(percent)) setThresholds({ bands: { ...bands, [key]: Math.min(1, Math.max(0, percent / 100)) } });
  };
  return (
    <div className="eval-bands" data-testid="evaluate.bands">
      <h3>Confidence bands</h3>
      <p className="muted">How a prediction would be handled by its confidence (the top class's probability).</p>
      <div className="eval-band-inputs">
        <label>
          use at or above
          <input type="number" min={0} max={100} step={1} value={Math.round(bands.use * 100)} data-testid="evaluate.band.use" onChange={(e) => edit('use', e.target.valueAsNumber)} /> %
        </label>
        <label>
          caution from
          <input type="number" min={0} max={100} step={1} value={Math.round(bands.caution * 100)} data-testid="evaluate.band.caution" onChange={(e) => edit('caution', e.target.valueAsNumber)} /> %
        </label>
      </div>
      {!valid && <p role="alert">The caution threshold must not be above the use threshold.</p>}
      {counts && (
        <table className="eval-table">
          <thead>
            <tr>
              <th scope="col">Band</th>
              <th scope="col">Images</th>
              <th scope="col">Share of the split</th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                ['use', 'use', counts.use],
                ['caution', 'use with caution', counts.caution],
                ['review', 'send to review', counts.review],
              ] as const
            ).map(([key, words, band]) => (
              <tr key={key} className={`band-${key}`} data-testid={`evaluate.band.${key}.row`} data-count={band.count}>
                <th scope="row">{words}</th>
                <td>{band.count}</td>
                <td>{formatPercent(band.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A class's precision: "—" with the reason where no image was predicted as it (0 of 0 measures nothing). */
function precisionCell(result: ClassificationEvaluation, c: number) {
  const predicted = result.confusion.reduce((sum, row) => sum + row[c], 0);
  if (predicted === 0) return <td title="no image was predicted as this class">—: never predicted</td>;
  return <td>{formatPercent(result.report.perClass[c].precision)}</td>;
}

function PerClassTable({ result, classNames }: { result: ClassificationEvaluation; classNames: string[] }) {
  return (
    <div className="table-wrap">
      <table className="eval-table" data-testid="evaluate.perClass">
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall (95 % CI)</th>
            <th scope="col">F1</th>
            <th scope="col">Images</th>
          </tr>
        </thead>
        <tbody>
          {result.report.perClass.map((c, i) => (
            <tr key={classNames[i]}>
              <th scope="row">{classNames[i]}</th>
              {precisionCell(result, i)}
              {c.support === 0 ? (
                <td>—: no image of this class here</td>
              ) : (
                <td>
                  {formatPercent(c.recall)} <span className="muted">({formatInterval(wilsonInterval(result.confusion[i][i], c.support)).replace('95 % CI ', '')})</span>
                </td>
              )}
              <td>{formatPercent(c.f1)}</td>
              <td>{c.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Classification results: summary, confusion matrix that opens its images, per-class scores, calibration, bands, mistakes. */
export function ClassificationView({ report, result, stem }: { report: EvaluationReport; result: ClassificationEvaluation; stem: string }) {
  const [open, setOpen] = useState<Cell>();
  const names = report.meta.classNames;
  const confusion = useMemo(() => confusionChart(result.confusion, names), [result, names]);
  const perClass = useMemo(() => classMetricsChart(result.report, names), [result, names]);
  return (
    <>
      <section className="panel" aria-label="Summary">
        <dl className="eval-summary" data-testid="evaluate.summary">
          {result.topK.map(({ k, accuracy, correct, interval }) => (
            <div key={k} data-testid={`evaluate.top${k}`} data-value={accuracy} data-low={interval.low} data-high={interval.high}>
              <dt>Top-{k} accuracy</dt>
              <dd>{formatPercent(accuracy)}</dd>
              <dd className="eval-ci" data-testid={`evaluate.top${k}.ci`}>
                {formatInterval(interval)} · {correct} of {result.samples} images
              </dd>
            </div>
          ))}
          <div>
            <dt>Macro F1</dt>
            <dd>{formatPercent(result.report.macro.f1)}</dd>
            <dd className="eval-ci">
              {formatInterval(result.macroF1Interval)} · {result.report.perClass.length} classes, {result.samples} images
            </dd>
          </div>
          <div data-testid="evaluate.ece" data-value={result.calibration.ece}>
            <dt>Calibration error (ECE)</dt>
            <dd>{formatPercent(result.calibration.ece, 2)}</dd>
            <dd className="eval-ci">
              {formatInterval(result.eceInterval, 'percent', 2)} · {result.samples} images in 10 bins
            </dd>
          </div>
          <div>
            <dt>Images</dt>
            <dd>{result.samples}</dd>
          </div>
        </dl>
      </section>
      <section className="panel" aria-label="Confusion matrix">
        <h3>Confusion matrix</h3>
        <p className="muted">
          Rows are true classes, columns predicted: green cells are right, red cells are mistakes (deeper = a larger share of the row). Click a cell to see its images.{' '}
          <SvgPngLink svg={confusion} fileName={`${stem}-confusion`} label="the confusion matrix" testId="evaluate.chart.confusion.png" />
        </p>
        <ConfusionMatrix result={result} classNames={names} onOpen={setOpen} />
      </section>
      <section className="panel eval-two" aria-label="Per-class scores and calibration">
        <div>
          <h3>Per class</h3>
          <PerClassTable result={result} classNames={names} />
          <SvgFigure svg={perClass} testId="evaluate.chart.perClass" fileName={`${stem}-per-class`} caption="Precision, recall and F1 per class" />
        </div>
        <div>
          <h3>Calibration</h3>
          <ReliabilityChart calibration={result.calibration} testId="evaluate.chart.reliability" fileName={`${stem}-reliability`} />
          <BandsEditor result={result} />
        </div>
      </section>
      <section className="panel" aria-label="Most confident mistakes">
        <h3>Most confident mistakes</h3>
        {result.mistakes.length === 0 ? (
          <p className="muted">No mistakes on this split.</p>
        ) : (
          <div className="eval-gallery" data-testid="evaluate.mistakes">
            {result.mistakes.map((m) => (
              <SampleThumb key={m.index} sampleId={report.meta.sampleIds[m.index]} caption={`${names[m.label]} → ${names[m.predicted]} (${formatPercent(m.confidence)})`} />
            ))}
          </div>
        )}
      </section>
      {open && <CellImages report={report} result={result} cell={open} onClose={() => setOpen(undefined)} />}
    </>
  );
}
