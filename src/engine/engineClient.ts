import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { LrRangeTestOptions, LrRangeTestResult } from '../core/optim/index.ts';
import type { BackendPreference, FromEngine, MemoryEstimate, ToEngine } from './protocol.ts';

/** The part of a Worker (or a MessagePort in tests) the client needs. */
export interface EnginePort {
  postMessage(message: ToEngine): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromEngine>) => void): void;
  /** A MessagePort delivers nothing to addEventListener until started; a Worker has no start. */
  start?(): void;
  terminate?(): void;
}

type Reply = Extract<FromEngine, { type: 'lrFindResult' | 'estimateResult' }>;

interface Pending {
  expects: Reply['type'];
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * The main thread's handle on the engine worker: typed messages out, a listener list in,
 * and promises for request/response messages (LR finder, memory estimate).
 */
export class EngineClient {
  private readonly listeners = new Set<(message: FromEngine) => void>();
  private readonly pending = new Map<string, Pending>();
  private requests = 0;

  constructor(private readonly port: EnginePort) {
    port.addEventListener('message', (e) => this.receive(e.data));
    port.start?.();
  }

  init(prefer: BackendPreference[]): void {
    this.send({ type: 'init', prefer });
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
    const reply = await this.request('lrFindResult', (requestId) => ({
      type: 'lrFind',
      requestId,
      spec,
      ...(datasetId !== undefined ? { datasetId } : {}),
      ...(options ? { options } : {}),
    }));
    return (reply as Extract<Reply, { type: 'lrFindResult' }>).result;
  }

  async estimate(spec: RunSpecInput): Promise<MemoryEstimate> {
    const reply = await this.request('estimateResult', (requestId) => ({ type: 'estimate', requestId, spec }));
    return (reply as Extract<Reply, { type: 'estimateResult' }>).estimate;
  }

  /** Stops the worker; requests still waiting reject, since no answer can come. */
  terminate(): void {
    this.port.terminate?.();
    for (const [id, p] of this.pending) p.reject(new Error(`the engine was terminated before it answered request ${id}`));
    this.pending.clear();
  }

  private request(expects: Reply['type'], message: (requestId: string) => ToEngine): Promise<Reply> {
    const requestId = `${expects === 'lrFindResult' ? 'lrFind' : 'estimate'}-${++this.requests}`;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(requestId, { expects, resolve, reject });
      this.send(message(requestId));
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
