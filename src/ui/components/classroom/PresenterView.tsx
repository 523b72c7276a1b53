import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRecord } from '../../../storage/storageRecords.ts';
import { presenterPanels, usePresenterStore } from '../../../store/presenterStore.ts';
import { runSeries, useRunsStore } from '../../../store/runsStore.ts';
import { MetricChart, type XAxisMode } from '../charts/MetricChart.tsx';
import { presentedPrediction, presenterFigures } from './presenterFigures.ts';
import { accuracyLines, lossLines } from '../charts/runChartSeries.ts';
import { runColor } from '../charts/runColor.ts';

const panelTitles = { curves: 'Training curves', prediction: 'What the model sees' } as const;

/** The run's large figures and its loss and accuracy curves, drawn as tall as the screen allows. */
function CurvesPanel({ run }: { run: RunRecord }) {
  const version = useRunsStore((s) => s.seriesVersion[run.id] ?? -1);
  const task = run.spec.task.kind;
  const color = runColor(run.id);
  useEffect(() => {
    void useRunsStore.getState().loadSeries(run.id);
  }, [run.id]);
  const loss = useCallback((axis: XAxisMode) => lossLines(runSeries(run.id), axis, color), [run.id, color]);
  const accuracy = useCallback((axis: XAxisMode) => accuracyLines(runSeries(run.id), axis, color, task), [run.id, color, task]);
  // Entering full screen resizes the window after the first render: the charts follow it.
  const [windowHeight, setWindowHeight] = useState(window.innerHeight);
  useEffect(() => {
    const onResize = () => setWindowHeight(window.innerHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  // Two charts side by side under the figures: about half the screen's height each, never cramped.
  const height = Math.max(240, Math.round(windowHeight * 0.45));
  return (
    <>
      <dl className="presenter-figures">
        {presenterFigures(run).map((f) => (
          <div key={f.id} data-testid={`presenter.figure.${f.id}`} data-value={f.value}>
            <dt>{f.label}</dt>
            <dd>{f.text}</dd>
          </div>
        ))}
      </dl>
      <div className="presenter-charts">
        <MetricChart testId="presenter.chart.loss" title="Loss" series={loss} version={version} axisToggle height={height} />
        <MetricChart testId="presenter.chart.acc" title="Accuracy" series={accuracy} version={version} axisToggle smoothable={false} height={height} />
      </div>
    </>
  );
}

/** Try it's latest answer, whichever page made it, in letters a room can read. */
function PredictionPanel() {
  const latest = usePresenterStore((s) => s.prediction);
  const shown = latest && presentedPrediction(latest.prediction, latest.info);
  if (!shown) {
    return (
      <p className="presenter-hint" data-testid="presenter.prediction.none">
        No prediction yet. Open <strong>Evaluate → Try it</strong>, start the camera or choose an image: its answer appears here.
      </p>
    );
  }
  return (
    <div className="presenter-prediction" data-testid="presenter.prediction" data-label={shown.label} data-value={shown.value}>
      <p className="presenter-label">{shown.label}</p>
      {shown.confidence && <p className="presenter-confidence">{shown.confidence}</p>}
    </div>
  );
}

/**
 * Classroom mode: the presented run full screen (the Fullscreen API where the browser has
 * it; otherwise it covers the window), high contrast and large type for the back of a
 * room. Keys: arrows, Space or Page Up/Down switch panels; Esc or P leaves.
 */
export function PresenterView() {
  const root = useRef<HTMLDivElement>(null);
  const panel = usePresenterStore((s) => s.panel);
  const chosen = usePresenterStore((s) => s.runId);
  const run = useRunsStore((s) => {
    const wanted = chosen ?? s.focusRunId;
    return s.runs.find((r) => r.id === wanted) ?? s.runs[0];
  });

  useEffect(() => {
    const el = root.current;
    let entered = false;
    // Leaving full screen by the browser's own means (its Esc, F11) leaves the presenter view too.
    const onChange = () => {
      if (document.fullscreenElement) entered = true;
      else if (entered) usePresenterStore.getState().leave();
    };
    document.addEventListener('fullscreenchange', onChange);
    // Refused without a user gesture or where full screen is not allowed: the view still covers the window.
    if (el?.requestFullscreen && !document.fullscreenElement) el.requestFullscreen().catch(() => undefined);
    el?.focus();
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const store = usePresenterStore.getState();
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'PageDown' || e.key === ' ') store.step(1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'PageUp') store.step(-1);
      else if (e.key === 'Escape' || e.key === 'p' || e.key === 'P') store.leave();
      else return;
      // The studio's own shortcuts (Space pauses the run) must not act behind the view.
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    // Capture: this runs before the shell's listener on the same window.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const index = presenterPanels.indexOf(panel);
  return (
    <div className="presenter" ref={root} tabIndex={-1} role="dialog" aria-modal="true" aria-label="Presenter view" data-testid="presenter" data-panel={panel}>
      <header className="presenter-head">
        <h2>{run ? run.name : 'No run yet'}</h2>
        {run && <span className={`status-pill status-${run.status}`}>{run.status}</span>}
        <span className="presenter-panel-name">
          {panelTitles[panel]} · {index + 1} / {presenterPanels.length}
        </span>
      </header>
      <main className="presenter-body">
        {panel === 'curves' && (run ? <CurvesPanel run={run} /> : <p className="presenter-hint">Start a run on the Train page, or import one on Runs, to present it.</p>)}
        {panel === 'prediction' && <PredictionPanel />}
      </main>
      <footer className="presenter-keys">
        <span>
          <kbd>←</kbd> <kbd>→</kbd> or <kbd>Space</kbd> switch panels
        </span>
        <span>
          <kbd>Esc</kbd> or <kbd>P</kbd> leave
        </span>
        <button type="button" className="secondary" data-testid="presenter.leave" onClick={() => usePresenterStore.getState().leave()}>
          Leave
        </button>
      </footer>
    </div>
  );
}
