import 'fake-indexeddb/auto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { EngineClient } from '../engine/engineClient.ts';
import type { FromEngine, ToEngine } from '../engine/protocol.ts';
import type { RunRecord } from '../storage/storageRecords.ts';
import { runSeries, useRunsStore } from './runsStore.ts';
import { useSessionStore } from './sessionStore.ts';
import { studioStorage } from './studioStorageHandle.ts';

/** An engine that records what the page sends and lets the test speak for the worker. */
const sent: ToEngine[] = [];
let listener: ((message: FromEngine) => void) | undefined;
const fakeEngine = {
  send: (message: ToEngine) => sent.push(message),
  subscribe: (l: (message: FromEngine) => void) => {
    listener = l;
    return () => (listener = undefined);
  },
} as unknown as EngineClient;
const fromWorker = (message: FromEngine) => listener?.(message);
const frame = () => new Promise((resolve) => setTimeout(resolve, 40));

const spec: RunSpecInput = {
  version: 1,
  name: 'shapes',
  data: { source: { kind: 'indexeddb', datasetId: '' }, imageSize: 16 },
  model: { architecture: 'smallCnn', inputSize: 16 },
  task: { kind: 'classification' },
  loss: { type: 'crossEntropy' },
  optimizer: { type: 'adam', lr: 0.001 },
  training: { epochs: 2, batchSize: 4 },
};

const memory = { numTensors: 0, numBytes: 0 };
const stepEvent = (step: number): TrainEvent => ({ type: 'step', epoch: 0, step, loss: 1, metrics: { acc: 0.5 }, lr: 0.001, samplesPerSec: 10, etaSec: 3, memory, time: step });

let datasetId: string;

beforeAll(async () => {
  useSessionStore.setState({ engine: () => fakeEngine, notify: vi.fn(), refreshStorage: async () => {} });
  const storage = await studioStorage();
  // A run a closed page left "running": nobody holds its engine lock any more.
  await storage.runs.create({
    id: 'orphan', name: 'orphan', tags: [], spec: {} as RunRecord['spec'], specHash: 'x', architecture: 'mlp',
    status: 'running', createdAt: 1, activeSec: 5, epochsDone: 1, step: 3, resumeFrom: { epoch: 1, step: 3 },
  });
  datasetId = (await storage.datasets.create('shapes demo', 'demo')).id;
  await useRunsStore.getState().start();
});

beforeEach(() => {
  sent.length = 0;
});

describe('useRunsStore', () => {
  it('marks a run left running by a closed page as interrupted when it starts', () => {
    const orphan = useRunsStore.getState().runs.find((r) => r.id === 'orphan');
    expect(orphan?.status).toBe('interrupted');
    expect(orphan?.message).toMatch(/resume continues from epoch 1/);
  });

  it('stores a queued run pinned to the dataset version, then asks the engine to train it', async () => {
    const storage = await studioStorage();
    const dataset = await storage.datasets.get(datasetId);
    const record = await useRunsStore.getState().startRun(spec, datasetId);
    expect(record.status).toBe('queued');
    expect(record.name).toMatch(/^shapes-[0-9a-f]{6}$/);
    expect(record.tags).toEqual([]);
    expect(record.spec.data.source).toEqual({ kind: 'indexeddb', datasetId, version: dataset?.version });
    expect(record.datasetName).toBe('shapes demo');
    expect(record.spec.training.seed).toBe(42);
    expect(await storage.runs.get(record.id)).toMatchObject({ status: 'queued', specHash: record.specHash });
    expect(sent).toEqual([{ type: 'train', runId: record.id }]);
    expect(useRunsStore.getState()).toMatchObject({ activeRunId: record.id, focusRunId: record.id });

    // The worker's events fill the series in place, and the store announces them once per frame.
    fromWorker({ type: 'event', runId: record.id, event: stepEvent(0) });
    fromWorker({ type: 'event', runId: record.id, event: stepEvent(1) });
    expect(runSeries(record.id)?.steps.map((e) => e.step)).toEqual([0, 1]);
    await frame();
    expect(useRunsStore.getState().seriesVersion[record.id]).toBe(2);

    fromWorker({ type: 'event', runId: record.id, event: { type: 'epoch', epoch: 0, step: 2, metrics: { loss: 0.9, val_acc: 0.6 }, lr: 0.001, samplesPerSec: 10, durationSec: 1, etaSec: 1, memory, time: 3 } });
    expect(useRunsStore.getState().runs.find((r) => r.id === record.id)).toMatchObject({ epochsDone: 1, step: 2, lastMetrics: { val_acc: 0.6 } });

    fromWorker({ type: 'runStatus', runId: record.id, status: 'completed', message: 'done' });
    expect(useRunsStore.getState().activeRunId).toBeUndefined();
    expect(useRunsStore.getState().runs.find((r) => r.id === record.id)?.status).toBe('completed');
  });

  it('refuses an invalid spec with every problem named, and stores nothing', async () => {
    const before = (await (await studioStorage()).runs.list()).length;
    const bad = { ...spec, training: { epochs: 0, batchSize: 4 } };
    await expect(useRunsStore.getState().startRun(bad, datasetId)).rejects.toThrow(/1 problem \(training.epochs: must be > 0, got 0\); nothing was started/);
    await expect(useRunsStore.getState().startRun(spec)).rejects.toThrow(/no dataset chosen/);
    expect((await (await studioStorage()).runs.list()).length).toBe(before);
    expect(sent).toEqual([]);
  });

  it('resumes an interrupted run with its stored curve loaded first', async () => {
    const storage = await studioStorage();
    await storage.runs.appendEvents('orphan', [stepEvent(0), stepEvent(1)]);
    await useRunsStore.getState().resumeRun('orphan');
    expect(runSeries('orphan')?.steps).toHaveLength(2);
    expect(sent).toEqual([{ type: 'resumeRun', runId: 'orphan' }]);
    fromWorker({ type: 'runStatus', runId: 'orphan', status: 'stopped' });
  });

  it('deletes only after the page confirms, naming the run', async () => {
    const confirm = vi.fn(() => false);
    expect(await useRunsStore.getState().deleteRun('orphan', confirm)).toBe(false);
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Delete run 'orphan' \(1 epoch, stopped\)\?/));
    expect(await (await studioStorage()).runs.get('orphan')).toBeDefined();

    expect(await useRunsStore.getState().deleteRun('orphan', () => true)).toBe(true);
    expect(await (await studioStorage()).runs.get('orphan')).toBeUndefined();
    expect(useRunsStore.getState().runs.some((r) => r.id === 'orphan')).toBe(false);
  });

  it('renames and tags, trimming and de-duplicating tags', async () => {
    const id = useRunsStore.getState().runs[0].id;
    await useRunsStore.getState().rename(id, '  baseline ');
    await useRunsStore.getState().setTags(id, ['a', ' a', '', 'b']);
    expect(await (await studioStorage()).runs.get(id)).toMatchObject({ name: 'baseline', tags: ['a', 'b'] });
    await expect(useRunsStore.getState().rename(id, '  ')).rejects.toThrow(/a run needs a name; 'baseline' keeps its name/);
  });
});
