import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { LrRangeTestOptions, LrRangeTestResult } from '../core/optim/index.ts';
import type { DecodedImage } from '../core/data/sampleSource.ts';
import type { EvaluationReport } from '../core/evaluate/evaluationReport.ts';
import type { ExportFile } from '../core/export/exportModel.ts';
import type { Prediction } from '../core/train/predictor.ts';
import type { CheckpointSlot } from '../storage/storageRecords.ts';
import type { ComputeChoice, EvalSplit, ExportFormat, FromEngine, MemoryEstimate, PredictorInfo, ToEngine } from './protocol.ts';

/** The part of a Worker (or a MessagePort in tests) the client needs. */
export interface EnginePort {
  postMessage(message: ToEngine): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromEngine>) => void): void;
  /** A MessagePort delivers nothing to addEventListener until started; a Worker has no start. */
  start?(): void;
  terminate?(): void;
}

type Reply = Extract<FromEngine, { type: 'lrFindResult' | 'estimateResult' | 'evaluateResult' | 'exportResult' | 'predictorReady' | 'predictResult' | 'checkWeightsResult' | 'checkCheckpointResult' }>;
type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;
type Request = Extract<ToEngine, { requestId: string }>;
/** A request as the caller writes it: the client adds the id. */
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'requestId'> : never) : never;

interface Pending {
  expects: Reply['type'];
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * The main thread's handle on the engine worker: typed messages out, a listener list in,
 * and promises for request/response messages (LR finder, memory estimate, evaluation,
 * export, predictions).
 */
export class EngineClient {
  private readonly listeners = new Set<(message: FromEngine) => void>();
  private readonly pending = new Map<string, Pending>();
  private requests = 0;

  constructor(private readonly port: EnginePort) {
    port.addEventListener('message', (e) => this.receive(e.data));
    port.start?.();
  }

  /** Starts the backend, or changes it (the engine refuses while a run or another job is running). */
  init(compute: ComputeChoice): void {
    this.send({ type: 'init', compute });
  }

  /** Calls `listener` for every message from the engine; returns an unsubscribe function. */
  subscribe(listener: (message: FromEngine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(message: ToEngine): void {
    this.port.postMessage(message);
  }

  async lrFind(spec: RunSpecInput, datasetId?: string, options?: LrRangeTestOptions): Promise<LrRangeTestResult> {
    const reply = await this.request('lrFindResult', {
      type: 'lrFind',
      spec,
      ...(datasetId !== undefined ? { datasetId } : {}),
      ...(options ? { options } : {}),
    });
    return reply.result;
  }

  /** What the spec's initial weights load into its model (the load report's lines); rejects with the refusal. */
  async checkWeights(spec: RunSpecInput, file?: Uint8Array): Promise<Extract<FromEngine, { type: 'checkWeightsResult' }>> {
    return this.request('checkWeightsResult', { type: 'checkWeights', spec, ...(file ? { file } : {}) });
  }

  /** Resolves once the checkpoint (packCheckpoint's bytes) loads into the model the spec builds; rejects with the mismatch. */
  async checkCheckpoint(spec: RunSpecInput, checkpoint: Uint8Array): Promise<void> {
    await this.request('checkCheckpointResult', { type: 'checkCheckpoint', spec, checkpoint });
  }

  async estimate(spec: RunSpecInput): Promise<MemoryEstimate> {
    return (await this.request('estimateResult', { type: 'estimate', spec })).estimate;
  }

  evaluate(runId: string, opts: { slot?: CheckpointSlot; split?: EvalSplit; pairsText?: string } = {}): Promise<{ report: EvaluationReport; pairProblems?: string[] }> {
    return this.request('evaluateResult', { type: 'evaluate', runId, ...opts });
  }

  async exportModel(runId: string, format: ExportFormat, slot?: CheckpointSlot): Promise<ExportFile[]> {
    return (await this.request('exportResult', { type: 'export', runId, format, ...(slot ? { slot } : {}) })).files;
  }

  async loadPredictor(runId: string, slot?: CheckpointSlot): Promise<PredictorInfo> {
    return (await this.request('predictorReady', { type: 'loadPredictor', runId, ...(slot ? { slot } : {}) })).info;
  }

  async predict(image: DecodedImage): Promise<Prediction> {
    return (await this.request('predictResult', { type: 'predict', image })).prediction;
  }

  async enroll(name: string, image: DecodedImage): Promise<PredictorInfo> {
    return (await this.request('predictorReady', { type: 'enroll', name, image })).info;
  }

  /** Stops the worker; requests still waiting reject, since no answer can come. */
  terminate(): void {
    this.port.terminate?.();
    for (const [id, p] of this.pending) p.reject(new Error(`the engine was terminated before it answered request ${id}`));
    this.pending.clear();
  }

  private request<T extends Reply['type']>(expects: T, body: RequestBody): Promise<ReplyOf<T>> {
    const requestId = `${body.type}-${++this.requests}`;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      this.pending.set(requestId, { expects, resolve: resolve as (reply: Reply) => void, reject });
      this.send({ ...body, requestId } as Request);
    });
  }

  private receive(message: FromEngine): void {
    const requestId = 'requestId' in message ? message.requestId : undefined;
    const waiting = requestId !== undefined ? this.pending.get(requestId) : undefined;
    if (requestId !== undefined && waiting) {
      this.pending.delete(requestId);
      if (message.type === 'error') waiting.reject(new Error(message.message));
      else if (message.type === waiting.expects) waiting.resolve(message as Reply);
      else waiting.reject(new Error(`the engine answered request ${requestId} with "${message.type}", expected "${waiting.expects}"`));
    }
    for (const listener of this.listeners) listener(message);
  }
}
