import { useEffect, useMemo, useState } from 'react';
import type { EvaluationReport } from '../../core/evaluate/evaluationReport.ts';
import type { RunSpecInput } from '../../core/spec/runSpec.ts';
import type { EvalSplit } from '../../engine/protocol.ts';
import type { CheckpointSlot, RunRecord } from '../../storage/storageRecords.ts';
import { useEvaluateStore } from '../../store/evaluateStore.ts';
import { fileStem } from '../../store/runExportFile.ts';
import { inProgressStatuses, useRunsStore } from '../../store/runsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import { checkpointWords } from '../../report/checkpointWords.ts';
import { ChanceVerdict } from '../components/evaluate/ChanceVerdict.tsx';
import { ClassificationView } from '../components/evaluate/ClassificationView.tsx';
import { DetectionView } from '../components/evaluate/DetectionView.tsx';
import { VerificationView } from '../components/evaluate/VerificationView.tsx';
import { formatCount } from '../components/models/ModelCostFormat.ts';
import { TryItPanel } from '../components/evaluate/TryItPanel.tsx';
import '../evaluate.css';

/** Learning-rate factor of a fine-tuning run started from a trained model (seed 004's "resume at a lower LR"). */
const FINE_TUNE_LR_FACTOR = 0.1;

/** The run id in `#/evaluate/<runId>`, so a link or a reload opens the same run. */
function runIdFromHash(): string | undefined {
  const [, page, runId] = location.hash.replace(/^#/, '').split('/');
  return page === 'evaluate' && runId ? decodeURIComponent(runId) : undefined;
}

function Provenance({ report }: { report: EvaluationReport }) {
  const m = report.meta;
  return (
    <p className="eval-meta" data-testid="evaluate.meta">
      Run <strong>{m.runName}</strong> ({m.architecture}), <strong data-testid="evaluate.checkpoint">{checkpointWords(m.checkpoint)}</strong> · {m.split} split of{' '}
      {m.datasetName ? <strong>{m.datasetName}</strong> : 'generated data'}
      {m.datasetVersion && <> (version {m.datasetVersion.slice(0, 8)})</>}, {m.sampleIds.length} images · predicted on {m.adapter ?? m.backend} ·{' '}
      {new Date(m.createdAt).toLocaleString()}
    </p>
  );
}

function CostTable({ report }: { report: EvaluationReport }) {
  const c = report.meta.cost;
  if (!c) return null;
  return (
    <table className="eval-table eval-cost" data-testid="evaluate.cost">
      <caption>Model cost on this device</caption>
      <tbody>
        <tr>
          <th scope="row">Parameters</th>
          <td>
            {formatCount(c.params)} ({formatCount(c.trainableParams)} trainable)
          </td>
        </tr>
        <tr>
          <th scope="row">Size (float32)</th>
          <td>{(c.bytes / 1e6).toFixed(2)} MB</td>
        </tr>
        <tr>
          <th scope="row">FLOPs per image</th>
          <td>{formatCount(c.flops)}</td>
        </tr>
        <tr>
          <th scope="row">Latency (1 image)</th>
          <td data-testid="evaluate.latency">{c.latencyMs !== undefined ? `${c.latencyMs.toFixed(1)} ms` : '—'}</td>
        </tr>
      </tbody>
    </table>
  );
}

function ExportBar({ report, run }: { report: EvaluationReport | undefined; run: RunRecord }) {
  const store = useEvaluateStore.getState();
  const fineTune = () => {
    const spec = structuredClone(run.spec) as RunSpecInput & { optimizer: { lr: number } };
    const draft = {
      ...spec,
      model: { ...spec.model, initialWeights: { from: 'checkpoint', path: run.id } },
      optimizer: { ...spec.optimizer, lr: spec.optimizer.lr * FINE_TUNE_LR_FACTOR },
    } as RunSpecInput;
    const session = useSessionStore.getState();
    session.setDraft(draft, run.datasetId);
    session.navigate('train');
    session.notify(`The draft now fine-tunes from run '${run.name}' at a tenth of its learning rate.`);
  };
  return (
    <section className="panel eval-export" aria-label="Export">
      <h3>Export</h3>
      <div className="button-row">
        <button type="button" data-testid="evaluate.export.onnx" onClick={() => void store.exportModel('onnx')}>
          ONNX model
        </button>
        <button type="button" data-testid="evaluate.export.tfjs" onClick={() => void store.exportModel('tfjs')}>
          TensorFlow.js model
        </button>
        <button type="button" data-testid="evaluate.export.report" disabled={!report} onClick={() => void store.exportReport()}>
          Report (HTML)
        </button>
        <button type="button" data-testid="evaluate.export.json" disabled={!report} onClick={() => store.exportMetrics('json')}>
          Metrics JSON
        </button>
        <button type="button" data-testid="evaluate.export.csv" disabled={!report} onClick={() => store.exportMetrics('csv')}>
          Metrics CSV
        </button>
        <button type="button" data-testid="evaluate.finetune" onClick={fineTune}>
          Fine-tune from this model
        </button>
      </div>
      <p className="muted">
        Model exports come with preprocessing.json (input size, channel order, mean/std, label names), so predictions made elsewhere match the studio&apos;s. The report and
        metrics files need an evaluation first.
      </p>
    </section>
  );
}

/** What a trained model is worth, from its real predictions on held-out data, and the ways to take it elsewhere. */
export function EvaluatePage() {
  const runs = useRunsStore((s) => s.runs);
  const s = useEvaluateStore();
  const bands = useEvaluateStore((st) => st.thresholds.bands);
  const [tryIt, setTryIt] = useState(false);
  const candidates = useMemo(() => runs.filter((r) => r.epochsDone > 0), [runs]);
  const run = runs.find((r) => r.id === s.runId);

  useEffect(() => {
    const fromHash = runIdFromHash();
    const store = useEvaluateStore.getState();
    if (fromHash) store.select(fromHash);
    else if (!store.runId && candidates[0]) store.select(candidates[0].id);
  }, [candidates]);

  // Opening the page on a finished run evaluates it at once (issue 25: "Evaluate this run" showed nothing
  // until clicked again); a selection evaluated before shows its kept results instead. A run still
  // training is left alone: the engine refuses an evaluation while it trains.
  // Nor while any run is queued or training: the engine runs one job at a time, and an evaluation
  // started on its own must never be why a run the user just started is refused.
  const settled = run !== undefined && run.epochsDone > 0 && !inProgressStatuses.has(run.status);
  const training = useMemo(() => runs.some((r) => inProgressStatuses.has(r.status)), [runs]);
  useEffect(() => {
    if (settled && !training) void useEvaluateStore.getState().evaluateIfNew();
  }, [settled, training, s.runId, s.slot, s.split, s.pairs, run?.step, run?.endedAt]);

  const report = s.report?.meta.runId === s.runId ? s.report : undefined;
  const stem = report ? fileStem({ id: report.meta.runId, name: report.meta.runName }) : '';
  const readPairs = (file: File | undefined) => {
    if (!file) return s.setPairs(undefined);
    void file.text().then((text) => useEvaluateStore.getState().setPairs({ fileName: file.name, text }));
  };

  return (
    <div className="evaluate-page">
      <section className="panel" aria-label="What to evaluate">
        <h2>Evaluate</h2>
        {candidates.length === 0 ? (
          <p className="muted">No run has finished an epoch yet. Train one (Home has one-click recipes), then evaluate it here.</p>
        ) : (
          <div className="eval-setup">
            <label>
              Run
              <select data-testid="evaluate.run" value={s.runId ?? ''} onChange={(e) => s.select(e.target.value || undefined)}>
                {!run && <option value="">choose a run</option>}
                {candidates.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} · {r.architecture} · {r.status}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Checkpoint
              <select data-testid="evaluate.slot" value={s.slot ?? ''} onChange={(e) => s.setSlot((e.target.value || undefined) as CheckpointSlot | undefined)}>
                <option value="">final (else best, else last)</option>
                <option value="best">best</option>
                <option value="last">last</option>
                <option value="final">final</option>
              </select>
            </label>
            <label>
              Split
              <select data-testid="evaluate.split" value={s.split} onChange={(e) => s.setSplit(e.target.value as EvalSplit)}>
                <option value="test">test (held out)</option>
                <option value="val">validation</option>
                <option value="train">training</option>
              </select>
            </label>
            {run?.spec.task.kind === 'embedding' && (
              <label>
                Pairs file (LFW format, optional)
                <input type="file" accept=".txt,text/plain" data-testid="evaluate.pairsFile" onChange={(e) => readPairs(e.target.files?.[0])} />
              </label>
            )}
            <button type="button" className="primary" data-testid="evaluate.start" disabled={!run || s.status === 'running'} onClick={() => void s.evaluate()}>
              {s.status === 'running' ? 'Evaluating…' : s.status === 'done' ? 'Evaluate again' : 'Evaluate'}
            </button>
          </div>
        )}
        <p className="muted" role="status" data-testid="evaluate.status" data-status={s.status}>
          {s.status === 'running' && 'Predicting every image of the split with the model…'}
          {s.status === 'idle' && run && !settled && 'This run is still training: it is evaluated here as soon as it ends.'}
          {s.status === 'idle' && run && settled && training && 'A run is training: this one is evaluated once it ends (the engine does one job at a time).'}
          {s.status === 'idle' && run && settled && !training && 'Every number below is computed from this model’s predictions on the chosen split.'}
          {s.status === 'done' && 'Every number below is computed from this model’s predictions on the chosen split; each headline shows its sample size and 95 % interval.'}
        </p>
        {s.status === 'failed' && <p role="alert">{s.error}</p>}
        {s.pairProblems && s.pairProblems.length > 0 && (
          <details role="alert">
            <summary>{s.pairProblems.length} lines of the pairs file were skipped</summary>
            <ul>
              {s.pairProblems.slice(0, 50).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </details>
        )}
        {report && (
          <>
            <Provenance report={report} />
            <CostTable report={report} />
          </>
        )}
      </section>
      {report && <ChanceVerdict report={report} />}
      {report?.result.kind === 'classification' && <ClassificationView report={report} result={report.result} stem={stem} />}
      {report?.result.kind === 'verification' && <VerificationView report={report} result={report.result} stem={stem} />}
      {report?.result.kind === 'detection' && <DetectionView report={report} result={report.result} stem={stem} />}
      {run && <ExportBar report={report} run={run} />}
      {run && (
        <section className="panel" aria-label="Try it">
          <h3>Try it</h3>
          {tryIt ? (
            <TryItPanel key={`${run.id}:${s.slot ?? ''}`} runId={run.id} {...(s.slot ? { slot: s.slot } : {})} bands={bands} />
          ) : (
            <button type="button" data-testid="evaluate.tryit" onClick={() => setTryIt(true)}>
              Try the model on the webcam or an image
            </button>
          )}
        </section>
      )}
    </div>
  );
}
