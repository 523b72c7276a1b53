import { memo, useEffect, useRef, useState, type DragEvent } from 'react';
import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import { formatBytes } from '../../../storage/formatBytes.ts';
import type { WeightFileRecord } from '../../../storage/storageRecords.ts';
import { downloadWeights, type DownloadProgress } from '../../../store/downloadWeights.ts';
import {
  draftWithoutWeights,
  startFromFaceApi,
  startFromKept,
  startFromSafetensors,
  type PretrainedStart,
} from '../../../store/pretrainedStart.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { studioStorage } from '../../../store/studioStorageHandle.ts';
import { pretrainedCatalog, usableAsIs } from '../models/pretrainedCatalog.ts';
import { pretrainedStartDeps as deps } from './pretrainedStartDeps.ts';

type Choice = 'random' | 'file' | 'url' | 'kept' | 'faceApi' | 'checkpoint';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Which option the draft's initialWeights stands for. */
function choiceOf(spec: RunSpecInput): Choice {
  const w = spec.model?.initialWeights;
  if (!w) return 'random';
  if (w.from === 'faceApi') return 'faceApi';
  if (w.from === 'safetensors') return /^https?:/i.test(w.path) ? 'url' : 'file';
  return 'checkpoint';
}

/** A key for the source, so a report is shown only beside the weights it describes. */
function sourceKey(spec: RunSpecInput): string | undefined {
  const w = spec.model?.initialWeights;
  if (!w) return undefined;
  return `${spec.model?.architecture}|${spec.model?.width ?? 1}|${JSON.stringify(w)}`;
}

interface Shown {
  key: string;
  /** The engine's refusal of the draft's weights, as it said it. */
  refused?: string;
  lines: string[];
  changed: string[];
  loaded?: { weight: string; from: string }[];
}

/**
 * "Initial weights": random (the default), a PyTorch safetensors file (chosen or dropped),
 * a URL (downloaded with its progress and size), a file kept before in this browser, or —
 * for faceRecognitionNet and faceExpressionNet — face-api's shipped weights. Each is checked by the engine against
 * the model the draft builds, and the load report is shown; the draft changes only when the
 * weights load, and a file is kept (by SHA-256) only then.
 */
export const InitialWeightsField = memo(function InitialWeightsField({
  spec,
  onChange,
  onProblem,
}: {
  spec: RunSpecInput;
  onChange(spec: RunSpecInput): void;
  /** Why the draft's weights do not load into its model (undefined when they do, or while unchecked): Start waits on it. */
  onProblem?(problem: string | undefined): void;
}) {
  const architecture = spec.model?.architecture;
  const current = choiceOf(spec);
  const [choice, setChoice] = useState<Choice>(current);
  const [url, setUrl] = useState(() => (current === 'url' ? String((spec.model?.initialWeights as { path: string }).path) : ''));
  const [busy, setBusy] = useState<string>();
  const [progress, setProgress] = useState<DownloadProgress>();
  const [problem, setProblem] = useState<string>();
  const [shown, setShown] = useState<Shown>();
  const [kept, setKept] = useState<WeightFileRecord[]>([]);
  const [dragging, setDragging] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);
  const key = sourceKey(spec);

  const path = (spec.model?.initialWeights as { path?: string } | undefined)?.path;
  useEffect(() => {
    setChoice(current);
    if (current === 'url' && path) setUrl(path);
  }, [current, path]);
  useEffect(() => {
    void studioStorage()
      .then((s) => s.weights.list())
      .then(setKept)
      .catch(() => setKept([]));
  }, [key]);
  // A draft that names weights (a reload, a recipe, an edit of the architecture) is checked again, so the report beside it is its own.
  useEffect(() => {
    if (!key || shown?.key === key || busy) return;
    let live = true;
    deps
      .check(spec)
      .then((c) => live && setShown({ key, lines: c.lines, changed: [], ...(c.report ? { loaded: c.report.loaded } : {}) }))
      .catch((e: unknown) => live && setShown({ key, lines: [`These weights do not load into this model: ${errorText(e)}`], changed: [], refused: errorText(e) }));
    return () => {
      live = false;
    };
    // Only a new source or model asks again; the spec's other fields do not change what loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  async function apply(what: string, work: () => Promise<PretrainedStart>) {
    setBusy(what);
    setProblem(undefined);
    try {
      const start = await work();
      const nextKey = sourceKey(start.spec)!;
      setShown({ key: nextKey, lines: start.lines, changed: start.changed, ...(start.report ? { loaded: start.report.loaded } : {}) });
      onChange(start.spec);
    } catch (e) {
      setProblem(`${errorText(e)}. The draft was not changed${what.startsWith('Reading') || what.startsWith('Downloading') ? ' and nothing was kept' : ''}.`);
    } finally {
      setBusy(undefined);
      setProgress(undefined);
      abort.current = undefined;
    }
  }

  const takeFile = (file: File) =>
    apply(`Reading ${file.name}`, async () => startFromSafetensors(useSessionStore.getState().draftSpec, new Uint8Array(await file.arrayBuffer()), { name: file.name }, deps));

  const takeUrl = (text: string) => {
    const controller = new AbortController();
    abort.current = controller;
    return apply(`Downloading ${text}`, async () => {
      const bytes = await downloadWeights(text, { onProgress: setProgress, signal: controller.signal });
      const name = new URL(text).pathname.split('/').filter(Boolean).slice(-3).join('/') || text;
      return startFromSafetensors(useSessionStore.getState().draftSpec, bytes, { name, url: text }, deps);
    });
  };

  /** Deletes a kept file (not the one the draft names); runs that started from it keep their checkpoints. */
  async function forget(record: WeightFileRecord) {
    try {
      const weights = (await studioStorage()).weights;
      await weights.delete(record.sha256);
      setKept(await weights.list());
    } catch (e) {
      setProblem(`Could not delete ${record.name}: ${errorText(e)}`);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void takeFile(file);
  }

  function choose(next: Choice) {
    setChoice(next);
    setProblem(undefined);
    if (next === 'random' && current !== 'random') {
      setShown(undefined);
      onChange(draftWithoutWeights(spec));
    }
    if (next === 'faceApi') void apply("Loading face-api's weights", () => startFromFaceApi(useSessionStore.getState().draftSpec, deps));
  }

  const refused = shown && shown.key === key ? shown.refused : undefined;
  useEffect(() => onProblem?.(refused), [refused, onProblem]);

  const catalog = architecture ? (pretrainedCatalog[architecture] ?? []) : [];
  const report = shown && shown.key === key ? shown : undefined;
  const sha = (spec.model?.initialWeights as { sha256?: string } | undefined)?.sha256;

  return (
    <div className="field weights-field" data-testid="train.weights">
      <label htmlFor="initial-weights">Initial weights</label>
      <select id="initial-weights" data-testid="train.weights.choice" value={choice} disabled={busy !== undefined} onChange={(e) => choose(e.target.value as Choice)}>
        <option value="random">random (trained from scratch)</option>
        <option value="file">a safetensors file (PyTorch)</option>
        <option value="url">a URL</option>
        {kept.length > 0 && <option value="kept">weights kept in this browser ({kept.length})</option>}
        {architecture === 'faceRecognitionNet' && <option value="faceApi">the shipped face model (face-api, offline)</option>}
        {architecture === 'faceExpressionNet' && <option value="faceApi">the shipped expression model (face-api, offline)</option>}
        {current === 'checkpoint' && <option value="checkpoint">a run's checkpoint (fine-tune)</option>}
      </select>

      {choice === 'file' && (
        <div
          className={`weights-drop${dragging ? ' is-over' : ''}`}
          data-testid="train.weights.drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>Drop a PyTorch <code>.safetensors</code> state_dict here (torchvision's names), or</p>
          <input type="file" accept=".safetensors" data-testid="train.weights.file" disabled={busy !== undefined} onChange={(e) => e.target.files?.[0] && void takeFile(e.target.files[0])} />
        </div>
      )}

      {choice === 'url' && (
        <div className="weights-url">
          <input
            type="url"
            placeholder="https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors"
            data-testid="train.weights.url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            disabled={busy !== undefined}
          />
          {busy ? (
            <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button type="button" data-testid="train.weights.fetch" disabled={url.trim() === ''} onClick={() => void takeUrl(url)}>
              Download
            </button>
          )}
          {catalog.filter(usableAsIs).map((c) => (
            <button key={c.url} type="button" className="link" title={`${c.licence}; checked by name only`} onClick={() => setUrl(c.url)}>
              {c.title}
            </button>
          ))}
        </div>
      )}

      {choice === 'kept' && (
        <select
          data-testid="train.weights.kept"
          value={sha ?? ''}
          disabled={busy !== undefined}
          onChange={(e) => {
            const record = kept.find((k) => k.sha256 === e.target.value);
            if (record) void apply(`Checking ${record.name}`, () => startFromKept(useSessionStore.getState().draftSpec, record, deps));
          }}
        >
          <option value="">— choose —</option>
          {kept.map((k) => (
            <option key={k.sha256} value={k.sha256}>
              {k.name} · {formatBytes(k.size)}
              {k.holds ? ` · ${k.holds}` : ''}
            </option>
          ))}
        </select>
      )}
      {(choice === 'kept' || choice === 'file' || choice === 'url') && kept.length > 0 && (
        <details className="field-hint" data-testid="train.weights.keptList">
          <summary>
            {kept.length} weight file{kept.length === 1 ? '' : 's'} kept in this browser, {formatBytes(kept.reduce((n, k) => n + k.size, 0))}
          </summary>
          <ul>
            {kept.map((k) => (
              <li key={k.sha256}>
                {k.name} · {formatBytes(k.size)}{' '}
                <button type="button" className="link" disabled={k.sha256 === sha || busy !== undefined} title={k.sha256 === sha ? 'the draft starts from it' : undefined} onClick={() => void forget(k)}>
                  delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}

      {busy && (
        <span className="field-hint" role="status" data-testid="train.weights.busy">
          {busy}
          {progress && ` — ${formatBytes(progress.received)}${progress.total !== undefined ? ` of ${formatBytes(progress.total)} (${Math.floor((100 * progress.received) / Math.max(1, progress.total))}%)` : ''}`}…
        </span>
      )}
      {problem && (
        <span className="field-problem" role="alert" data-testid="train.weights.problem">
          {problem}
        </span>
      )}
      {key && !report && !busy && <span className="field-hint">Checking what these weights load…</span>}
      {report && (
        <div className="weights-report" data-testid="train.weights.report">
          <ul>
            {report.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
            {report.changed.map((c) => (
              <li key={c} className="muted">
                draft changed: {c}
              </li>
            ))}
          </ul>
          {report.loaded && report.loaded.length > 0 && (
            <details>
              <summary>The {report.loaded.length} tensors loaded</summary>
              <ul className="weights-loaded">
                {report.loaded.map((l) => (
                  <li key={l.weight}>
                    <code>{l.weight}</code> ← <code>{l.from}</code>
                  </li>
                ))}
              </ul>
            </details>
          )}
          {sha && <span className="field-hint">Kept in this browser as SHA-256 {sha.slice(0, 12)}…: later runs, and this browser offline, read it from there.</span>}
        </div>
      )}
    </div>
  );
});
