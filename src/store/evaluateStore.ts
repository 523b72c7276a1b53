import { zipSync } from 'fflate';
import { create } from 'zustand';
import type { EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import type { BandThresholds } from '../core/metrics/confidenceBands.ts';
import type { EvalSplit, ExportFormat } from '../engine/protocol.ts';
import { metricsCsv, metricsJson } from '../report/metricsFiles.ts';
import { reportHtml } from '../report/reportHtml.ts';
import type { CheckpointSlot } from '../storage/storageRecords.ts';
import { useDatasetsStore } from './datasetsStore.ts';
import { useRunsStore } from './runsStore.ts';
import { downloadBlob } from './downloadBlob.ts';
import { fileStem } from './runExportFile.ts';
import { useSessionStore } from './sessionStore.ts';
import { studioStorage } from './studioStorageHandle.ts';

/** How many sample pictures an HTML report embeds (most confident mistakes, detection examples): enough to judge, small enough to mail. */
const REPORT_IMAGES = 24;

export interface EvaluateThresholds {
  /** Cosine similarity above which a pair is called "same person". */
  verification?: number;
  bands: BandThresholds;
  /** The detection class-confidence cut; undefined: the run's own. */
  detection?: number;
}

/** One evaluation of a run's checkpoint on a split, kept while the studio is open. */
export interface EvaluationEntry {
  status: 'running' | 'done' | 'failed';
  report?: EvaluationReport;
  pairProblems?: string[];
  error?: string;
  /** Sample id → image hash of the evaluated dataset, for thumbnails. */
  hashes: ReadonlyMap<string, string>;
}

export interface EvaluateState {
  runId?: string;
  /** undefined: the run's final checkpoint, else best, else last. */
  slot?: CheckpointSlot;
  split: EvalSplit;
  /** An LFW-style pairs file for embedding runs. */
  pairs?: { fileName: string; text: string };
  /** The current selection's evaluation, mirrored from `results` (idle: none yet). */
  status: 'idle' | 'running' | 'done' | 'failed';
  report?: EvaluationReport;
  pairProblems?: string[];
  error?: string;
  hashes: ReadonlyMap<string, string>;
  /** Every evaluation made this session, by evaluationKey: leaving the page or choosing another run loses none. */
  results: Readonly<Record<string, EvaluationEntry>>;
  thresholds: EvaluateThresholds;
  select(runId: string | undefined): void;
  setSlot(slot: CheckpointSlot | undefined): void;
  setSplit(split: EvalSplit): void;
  setPairs(pairs: { fileName: string; text: string } | undefined): void;
  setThresholds(patch: Partial<EvaluateThresholds>): void;
  /** Evaluates the current selection (again, if it was evaluated). */
  evaluate(): Promise<void>;
  /** Evaluates the current selection unless it was evaluated (or tried) already: what opening the page does. */
  evaluateIfNew(): Promise<void>;
  /** A run's default evaluation (its final checkpoint on the test split), computed once (again after a failure): the Train page's verdict. */
  ensureEvaluated(runId: string): Promise<EvaluationEntry | undefined>;
  exportModel(format: ExportFormat): Promise<void>;
  exportReport(): Promise<void>;
  exportMetrics(format: 'json' | 'csv'): void;
}

const notifyError = (e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error');

/** Evaluations kept at once; the oldest goes first (a report holds every prediction and pair). */
const KEPT_RESULTS = 12;

/** FNV-1a of a pairs file, so two files of one name are told apart. */
function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/**
 * What an evaluation depends on: the run as it stands (its step and end time, so a
 * resumed run is evaluated afresh), the checkpoint slot, the split and the pairs file.
 */
export function evaluationKey(runId: string, slot: CheckpointSlot | undefined, split: EvalSplit, pairs?: { fileName: string; text: string }): string {
  const run = useRunsStore.getState().runs.find((r) => r.id === runId);
  return [runId, run?.step ?? 0, run?.endedAt ?? 0, slot ?? 'auto', split, pairs ? `${pairs.fileName}#${textHash(pairs.text)}` : ''].join('|');
}

/** The verification threshold and detection cut a report opens with (its EER threshold, the run's cut); kept while the same report stays shown. */
function thresholdsFor(next: EvaluationReport | undefined, shown: EvaluationReport | undefined, thresholds: EvaluateThresholds): EvaluateThresholds {
  const r = next?.result;
  if (!r || next === shown) return thresholds;
  return {
    ...thresholds,
    verification: r.kind === 'verification' ? r.eer.threshold : thresholds.verification,
    detection: r.kind === 'detection' ? r.confidenceThreshold : thresholds.detection,
  };
}

/** The page's mirror of one entry. */
function mirror(entry: EvaluationEntry | undefined): Pick<EvaluateState, 'status' | 'report' | 'pairProblems' | 'error' | 'hashes'> {
  return { status: entry?.status ?? 'idle', report: entry?.report, pairProblems: entry?.pairProblems, error: entry?.error, hashes: entry?.hashes ?? new Map() };
}

function stemOf(report: EvaluationReport): string {
  return fileStem({ id: report.meta.runId, name: report.meta.runName });
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the image could not be read'));
    reader.readAsDataURL(blob);
  });
}

/** The samples a report shows pictures of: the most confident mistakes, or detection examples. */
function reportSampleIds(report: EvaluationReport): string[] {
  const { result, meta } = report;
  const positions =
    result.kind === 'classification'
      ? result.mistakes.map((m) => m.index)
      : result.kind === 'detection'
        ? result.items.map((i) => i.index)
        : [];
  return positions.slice(0, REPORT_IMAGES).map((p) => meta.sampleIds[p]);
}

/**
 * The Evaluate page's state: which run and checkpoint, the reports the engine computed
 * from the model's predictions, the thresholds the user moves, and the exports made
 * from them. Reports live in memory only (recomputed from the checkpoint in a new
 * session, so a stored number can never drift from the model), but every one made this
 * session is kept: leaving the page and coming back shows the same results.
 */
export const useEvaluateStore = create<EvaluateState>()((set, get) => {
  /** Evaluations run one after another: the engine refuses a second while one runs. */
  let queue: Promise<unknown> = Promise.resolve();

  const currentKey = (): string | undefined => {
    const { runId, slot, split, pairs } = get();
    return runId ? evaluationKey(runId, slot, split, pairs) : undefined;
  };

  /** Stores an entry and, when it is the page's selection, mirrors it (a new report brings its own default thresholds). */
  const put = (key: string, entry: EvaluationEntry) => {
    set((s) => {
      const results = { ...s.results, [key]: entry };
      const keys = Object.keys(results);
      for (const old of keys.slice(0, Math.max(0, keys.length - KEPT_RESULTS))) if (results[old].status !== 'running') delete results[old];
      if (currentKey() !== key) return { results };
      return { results, ...mirror(entry), thresholds: thresholdsFor(entry.report, s.report, s.thresholds) };
    });
  };

  const run = (key: string, runId: string, slot: CheckpointSlot | undefined, split: EvalSplit, pairs: { fileName: string; text: string } | undefined): Promise<void> => {
    put(key, { status: 'running', hashes: new Map() });
    const job = queue.then(async () => {
      try {
        const engine = useSessionStore.getState().engine();
        const { report, pairProblems } = await engine.evaluate(runId, { ...(slot ? { slot } : {}), split, ...(pairs ? { pairsText: pairs.text } : {}) });
        const hashes = new Map<string, string>();
        if (report.meta.datasetId) {
          const storage = await studioStorage();
          for (const s of await storage.datasets.samples(report.meta.datasetId)) hashes.set(s.id, s.hash);
        }
        put(key, { status: 'done', report, hashes, ...(pairProblems ? { pairProblems } : {}) });
      } catch (e) {
        put(key, { status: 'failed', error: e instanceof Error ? e.message : String(e), hashes: new Map() });
      }
    });
    queue = job;
    return job;
  };

  /** Changes the selection and shows its evaluation, if one was made; a report shown anew brings its own default thresholds. */
  const reselect = (patch: Partial<Pick<EvaluateState, 'runId' | 'slot' | 'split' | 'pairs'>>) => {
    set(patch);
    const key = currentKey();
    const entry = key ? get().results[key] : undefined;
    set((s) => ({ ...mirror(entry), thresholds: thresholdsFor(entry?.report, s.report, s.thresholds) }));
  };

  return {
    split: 'test',
    status: 'idle',
    hashes: new Map(),
    results: {},
    thresholds: { bands: { use: 0.9, caution: 0.7 } },
    select(runId) {
      if (runId === get().runId) return;
      reselect({ runId, pairs: undefined });
    },
    setSlot(slot) {
      reselect({ slot });
    },
    setSplit(split) {
      reselect({ split });
    },
    setPairs(pairs) {
      reselect({ pairs });
    },
    setThresholds(patch) {
      set((s) => ({ thresholds: { ...s.thresholds, ...patch } }));
    },
    async evaluate() {
      const { runId, slot, split, pairs } = get();
      const key = currentKey();
      if (!runId || !key || get().results[key]?.status === 'running') return;
      await run(key, runId, slot, split, pairs);
    },
    async evaluateIfNew() {
      // The runs may have loaded (or a run moved on) since the selection was made: its key may have changed.
      reselect({});
      const key = currentKey();
      if (key && !get().results[key]) await get().evaluate();
    },
    async ensureEvaluated(runId) {
      const key = evaluationKey(runId, undefined, 'test');
      const known = get().results[key];
      if (!known || known.status === 'failed') await run(key, runId, undefined, 'test', undefined);
      else if (known.status === 'running') await queue;
      return get().results[key];
    },
    async exportModel(format) {
      const { runId, slot, report } = get();
      if (!runId) return;
      const { notify, engine } = useSessionStore.getState();
      try {
        const files = await engine().exportModel(runId, format, slot);
        const stem = report ? stemOf(report) : `run-${runId.slice(0, 8)}`;
        const zip = zipSync(Object.fromEntries(files.map((f) => [f.name, f.bytes])));
        downloadBlob(new Blob([zip], { type: 'application/zip' }), `${stem}-${format}.zip`);
        notify(`Exported ${files.map((f) => f.name).join(', ')} as ${stem}-${format}.zip.`);
      } catch (e) {
        notifyError(e);
      }
    },
    async exportReport() {
      const { report, hashes, thresholds } = get();
      if (!report) return;
      try {
        const images: Record<string, string> = {};
        const { thumb } = useDatasetsStore.getState();
        for (const id of reportSampleIds(report)) {
          const hash = hashes.get(id);
          const blob = hash ? await thumb(hash) : undefined;
          if (blob) images[id] = await blobToDataUrl(blob);
        }
        const html = reportHtml(report, {
          thresholds: {
            bands: thresholds.bands,
            ...(thresholds.verification !== undefined ? { verification: thresholds.verification } : {}),
            ...(thresholds.detection !== undefined ? { detection: thresholds.detection } : {}),
          },
          images,
        });
        downloadBlob(new Blob([html], { type: 'text/html' }), `${stemOf(report)}-report.html`);
      } catch (e) {
        notifyError(e);
      }
    },
    exportMetrics(format) {
      const { report } = get();
      if (!report) return;
      const text = format === 'json' ? metricsJson(report) : metricsCsv(report);
      downloadBlob(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' }), `${stemOf(report)}-metrics.${format}`);
    },
};
});
