import { useEffect, useRef, useState } from 'react';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { EpochEvent, StepEvent, TrainEndEvent } from '../core/train/trainEvent.ts';
import type { FromEngine, ToEngine } from '../engine/protocol.ts';

export interface EngineState {
  backend?: string;
  adapter?: string;
  error?: string;
  status: 'starting' | 'idle' | 'loading' | 'training' | 'done';
  steps: StepEvent[];
  epochs: EpochEvent[];
  end?: TrainEndEvent;
}

/** Owns the engine worker for the page; components only see state and a train() action. */
export function useEngine(): EngineState & { train: (spec: RunSpecInput) => void } {
  const worker = useRef<Worker | null>(null);
  const [state, setState] = useState<EngineState>({ status: 'starting', steps: [], epochs: [] });

  useEffect(() => {
    const w = new Worker(new URL('../engine/engineWorker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    w.onmessage = (e: MessageEvent<FromEngine>) => {
      const msg = e.data;
      setState((s) => {
        switch (msg.type) {
          case 'ready':
            return { ...s, backend: msg.backend, adapter: msg.adapter, status: 'idle' };
          case 'loadProgress':
            return { ...s, status: 'loading' };
          case 'paused':
            return s;
          case 'error':
            return { ...s, error: msg.message, status: s.backend ? 'idle' : 'starting' };
          case 'event': {
            const ev = msg.event;
            if (ev.type === 'step') return { ...s, status: 'training', steps: [...s.steps, ev] };
            if (ev.type === 'epoch') return { ...s, epochs: [...s.epochs, ev] };
            if (ev.type === 'trainEnd') return { ...s, status: 'done', end: ev };
            return { ...s, status: 'training' };
          }
        }
      });
    };
    const hello: ToEngine = { type: 'init', prefer: ['webgpu', 'webgl', 'cpu'] };
    w.postMessage(hello);
    return () => w.terminate();
  }, []);

  const train = (spec: RunSpecInput) => {
    setState((s) => ({ ...s, status: 'loading', steps: [], epochs: [], end: undefined, error: undefined }));
    const msg: ToEngine = { type: 'train', runId: `run-${Date.now()}`, spec };
    worker.current?.postMessage(msg);
  };
  return { ...state, train };
}
