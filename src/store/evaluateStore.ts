import { zipSync } from 'fflate';
import { create } from 'zustand';
import type { EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import type { BandThresholds } from '../core/metrics/confidenceBands.ts';
import type { EvalSplit, ExportFormat } from '../engine/protocol.ts';
import { metricsCsv, metricsJson } from '../report/metricsFiles.ts';
import { reportHtml } from '../report/reportHtml.ts';
import type { CheckpointSlot } from '../storage/storageRecords.ts';
import { useDatasetsStore } from './datasetsStore.ts';
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

export interface EvaluateState {
  runId?: string;
  /** undefined: the run's final checkpoint, else best, else last. */
  slot?: CheckpointSlot;
  split: EvalSplit;
  /** An LFW-style pairs file for embedding runs. */
  pairs?: { fileName: string; text: string };
  status: 'idle' | 'running' | 'done' | 'failed';
  report?: EvaluationReport;
  pairProblems?: string[];
  error?: string;
  /** Sample id → image hash of the evaluated dataset, for thumbnails. */
  hashes: ReadonlyMap<string, string>;
  thresholds: EvaluateThresholds;
  select(runId: string | undefined): void;
  setSlot(slot: CheckpointSlot | undefined): void;
  setSplit(split: EvalSplit): void;
  setPairs(pairs: { fileName: string; text: string } | undefined): void;
  setThresholds(patch: Partial<EvaluateThresholds>): void;
  evaluate(): Promise<void>;
  exportModel(format: ExportFormat): Promise<void>;
  exportReport(): Promise<void>;
  exportMetrics(format: 'json' | 'csv'): void;
}

const notifyError = (e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error');

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
 * The Evaluate page's state: which run and checkpoint, the report the engine computed
 * from the model's predictions, the thresholds the user moves, and the exports made
 * from them. Reports live in memory only: they are recomputed from the checkpoint on
 * demand, so a stored number can never drift from the model.
 */
export const useEvaluateStore = create<EvaluateState>()((set, get) => ({
  split: 'test',
  status: 'idle',
  hashes: new Map(),
  thresholds: { bands: { use: 0.9, caution: 0.7 } },
  select(runId) {
    if (runId === get().runId) return;
    set({ runId, status: 'idle', report: undefined, error: undefined, pairProblems: undefined, pairs: undefined });
  },
  setSlot(slot) {
    set({ slot, status: 'idle', report: undefined });
  },
  setSplit(split) {
    set({ split, status: 'idle', report: undefined });
  },
  setPairs(pairs) {
    set({ pairs, status: 'idle', report: undefined });
  },
  setThresholds(patch) {
    set((s) => ({ thresholds: { ...s.thresholds, ...patch } }));
  },
  async evaluate() {
    const { runId, slot, split, pairs } = get();
    if (!runId) return;
    set({ status: 'running', error: undefined, report: undefined, pairProblems: undefined });
    try {
      const engine = useSessionStore.getState().engine();
      const { report, pairProblems } = await engine.evaluate(runId, { ...(slot ? { slot } : {}), split, ...(pairs ? { pairsText: pairs.text } : {}) });
      if (get().runId !== runId) return;
      const hashes = new Map<string, string>();
      if (report.meta.datasetId) {
        const storage = await studioStorage();
        for (const s of await storage.datasets.samples(report.meta.datasetId)) hashes.set(s.id, s.hash);
      }
      const r = report.result;
      set((s) => ({
        status: 'done',
        report,
        pairProblems,
        hashes,
        thresholds: {
          ...s.thresholds,
          verification: r.kind === 'verification' ? r.eer.threshold : s.thresholds.verification,
          detection: r.kind === 'detection' ? r.confidenceThreshold : s.thresholds.detection,
        },
      }));
    } catch (e) {
      if (get().runId === runId) set({ status: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
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
}));
