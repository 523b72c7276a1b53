import { create } from 'zustand';
import demoSpec from '../../examples/shapes-demo.json';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { EngineClient, type EnginePort } from '../engine/engineClient.ts';
import { COMPUTE_CHOICES, STOCK_KERNELS_WORKER_NAME, type ComputeChoice } from '../engine/protocol.ts';
import { estimateStorage } from '../storage/storageQuota.ts';

export type PageId = 'home' | 'datasets' | 'models' | 'train' | 'runs' | 'evaluate';
export const pageIds: readonly PageId[] = ['home', 'datasets', 'models', 'train', 'runs', 'evaluate'];

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
}

export interface SessionState {
  page: PageId;
  /** Also reflected in location.hash (#/train), so a reload and the back button keep the page. */
  navigate(page: PageId): void;
  /** From the engine's 'ready'. */
  backend?: string;
  adapter?: string;
  /** Why the engine did not train on the backends it tried first (a software renderer, WebGPU missing). */
  passedOver: string[];
  engineError?: string;
  /** What to train on: `auto` (the fastest found) or a backend by name; `?compute=` on the URL, else kept in localStorage. */
  compute: ComputeChoice;
  /** Restarts the engine's backend on a choice, kept once the engine is ready on it (it refuses while a job runs, and says so). */
  setCompute(compute: ComputeChoice): void;
  storage?: { usage: number; quota: number; persisted: boolean };
  refreshStorage(): Promise<void>;
  /** What the Train page edits; kept in localStorage so a reload does not lose it. */
  draftSpec: RunSpecInput;
  draftDatasetId?: string;
  /** The recipe the draft was loaded from (seedPresets' id), kept through edits; none for a draft from elsewhere. */
  draftPresetId?: string;
  /** A new draft: from a recipe (`presetId`), a run to fine-tune, a model card. */
  setDraft(spec: RunSpecInput, datasetId?: string, presetId?: string): void;
  /** The same draft, edited: its dataset and recipe stay. */
  editDraft(spec: RunSpecInput): void;
  /** The one engine worker, created on first call. */
  engine(): EngineClient;
  toasts: Toast[];
  notify(message: string, kind?: 'info' | 'error'): void;
  dismissToast(id: number): void;
}

const DRAFT_KEY = 'studio.draft';
const COMPUTE_KEY = 'studio.compute';
const INFO_TOAST_MS = 6000;

/** The shapes demo as a draft over a stored dataset still to be chosen. */
const defaultDraft: RunSpecInput = {
  ...(demoSpec as RunSpecInput),
  data: { ...(demoSpec as RunSpecInput).data, source: { kind: 'indexeddb', datasetId: '' } },
};

export function pageFromHash(hash: string): PageId {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (pageIds as readonly string[]).includes(name) ? (name as PageId) : 'home';
}

interface SavedDraft {
  spec: RunSpecInput;
  datasetId?: string;
  presetId?: string;
}

function readDraft(): SavedDraft {
  try {
    const text = globalThis.localStorage?.getItem(DRAFT_KEY);
    if (text) return JSON.parse(text) as SavedDraft;
  } catch {
    // A corrupt or blocked localStorage only costs the saved draft: start from the demo.
  }
  return { spec: defaultDraft };
}

function writeDraft(draft: SavedDraft): void {
  try {
    globalThis.localStorage?.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // Private mode or a full quota: the draft still lives for this session.
  }
}

/** `?compute=webgpu` on the URL (a link, a test), else the choice kept from last time, else `auto`. */
export function readCompute(search: string, stored: string | null | undefined): ComputeChoice {
  const asked = new URLSearchParams(search).get('compute') ?? stored;
  return (COMPUTE_CHOICES as readonly (string | null | undefined)[]).includes(asked) ? (asked as ComputeChoice) : 'auto';
}

function storedCompute(): string | null | undefined {
  try {
    return globalThis.localStorage?.getItem(COMPUTE_KEY);
  } catch {
    return undefined;
  }
}

function storeCompute(compute: ComputeChoice): void {
  try {
    globalThis.localStorage?.setItem(COMPUTE_KEY, compute);
  } catch {
    // Without localStorage the choice lasts for this page only.
  }
}

let client: EngineClient | undefined;

function openEngineWorker(): Worker {
  const stock = new URLSearchParams(location.search).get('kernels') === 'stock';
  return new Worker(new URL('../engine/engineWorker.ts', import.meta.url), { type: 'module', name: stock ? STOCK_KERNELS_WORKER_NAME : 'studio-engine' });
}

/** A choice sent to the engine and not yet answered: it becomes `compute` on 'ready', and is dropped on a refusal. */
let requestedCompute: ComputeChoice | undefined;
let nextToastId = 1;
const savedDraft = readDraft();

export const useSessionStore = create<SessionState>()((set, get) => ({
  page: typeof location === 'undefined' ? 'home' : pageFromHash(location.hash),
  navigate(page) {
    if (typeof location !== 'undefined' && pageFromHash(location.hash) !== page) location.hash = `#/${page}`;
    set({ page });
    // The strip's storage figure is read again on every page: the browser's estimate trails
    // IndexedDB's writes, so one taken at start (or right after a write) can stay at 0 bytes.
    void get().refreshStorage().catch(() => undefined);
  },
  async refreshStorage() {
    set({ storage: await estimateStorage() });
  },
  draftSpec: savedDraft.spec,
  draftDatasetId: savedDraft.datasetId,
  draftPresetId: savedDraft.presetId,
  setDraft(spec, datasetId, presetId) {
    writeDraft({ spec, datasetId, presetId });
    set({ draftSpec: spec, draftDatasetId: datasetId, draftPresetId: presetId });
  },
  editDraft(spec) {
    const { draftDatasetId: datasetId, draftPresetId: presetId } = get();
    writeDraft({ spec, datasetId, presetId });
    set({ draftSpec: spec });
  },
  passedOver: [],
  compute: readCompute(typeof location === 'undefined' ? '' : location.search, storedCompute()),
  setCompute(compute) {
    requestedCompute = compute;
    get().engine().init(compute);
  },
  engine() {
    return client ?? connectEngine(openEngineWorker());
  },
  toasts: [],
  notify(message, kind = 'info') {
    const id = nextToastId++;
    set((s) => ({ toasts: [...s.toasts, { id, message, kind }] }));
    // Errors stay until dismissed: they usually say what to do next.
    if (kind === 'info') setTimeout(() => get().dismissToast(id), INFO_TOAST_MS);
  },
  dismissToast(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
}));

/**
 * Makes `port` the session's engine: its messages update the session (backend, a choice kept
 * or refused, the engine's own failures) and it is started on the current choice. `engine()`
 * calls it with the worker; a test, with one end of a MessageChannel.
 */
export function connectEngine(port: EnginePort): EngineClient {
  const { setState: set, getState: get } = useSessionStore;
  const engine = new EngineClient(port);
  engine.subscribe((message) => {
    if (message.type === 'ready') {
      set({ backend: message.backend, adapter: message.adapter, passedOver: message.passedOver ?? [], engineError: undefined });
      if (requestedCompute) {
        storeCompute(requestedCompute);
        set({ compute: requestedCompute });
        requestedCompute = undefined;
      }
    }
    // A refused change is not a failure: the engine goes on as it was, and the choice is not kept.
    if (message.type === 'computeRefused') {
      requestedCompute = undefined;
      get().notify(`The backend cannot change while ${message.reason}; choose again when it ends.`, 'info');
    }
    // Errors naming a run or a request reach whoever owns it; only the engine's own failures land here.
    if (message.type === 'error' && message.runId === undefined && message.requestId === undefined) {
      requestedCompute = undefined;
      set({ engineError: message.message });
      get().notify(`The training engine failed: ${message.message}`, 'error');
    }
  });
  client = engine;
  engine.init(get().compute);
  return engine;
}
