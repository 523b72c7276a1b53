import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SampleSource } from '../core/data/sampleSource.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { Trainer } from '../core/train/trainer.ts';
import type { EpochEvent, StepEvent, TrainEvent } from '../core/train/trainEvent.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { openBrowserSource } from './openBrowserSource.ts';
import type { FromEngine } from './protocol.ts';
import { RunSession, runSession, type RunSessionOptions } from './runSession.ts';
import { storeRun, tinyRunSpec } from './testing/runFixtures.ts';

const noDecoder = () => Promise.reject(new Error('generated data needs no decoder'));
let dbCount = 0;
const opened: StudioStorage[] = [];

async function storage(): Promise<StudioStorage> {
  const s = await openStudioStorage(`run-session-test-${++dbCount}`);
  opened.push(s);
  return s;
}
afterEach(() => opened.splice(0).forEach((s) => s.db.close()));

function session(s: StudioStorage, runId: string, extra: Partial<RunSessionOptions> = {}) {
  const posted: FromEngine[] = [];
  const options: RunSessionOptions = {
    runs: s.runs,
    runId,
    openSource: (spec: RunSpec) => openBrowserSource(spec, s.datasets, noDecoder),
    backend: 'cpu',
    adapter: 'test cpu',
    resume: false,
    post: (m) => posted.push(m),
    ...extra,
  };
  return { options, posted };
}

const eventsOf = (posted: FromEngine[]): TrainEvent[] => posted.flatMap((m) => (m.type === 'event' ? [m.event] : []));
const statusesOf = (posted: FromEngine[]) => posted.flatMap((m) => (m.type === 'runStatus' ? [m.status] : []));
const isStep = (e: TrainEvent): e is StepEvent => e.type === 'step';
const isEpoch = (e: TrainEvent): e is EpochEvent => e.type === 'epoch';

describe('runSession', () => {
  it('trains a stored run, storing exactly the events it posts and filling the record', async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(3), 'r1');
    const before = tf.memory().numTensors;
    const { options, posted } = session(s, 'r1');

    expect(await runSession(options)).toBe('completed');

    expect(tf.memory().numTensors).toBe(before);
    const events = eventsOf(posted);
    expect(await s.runs.events('r1')).toEqual(events);
    const epochs = events.filter(isEpoch);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    // Model, optimizer slots and cache are all that live between epochs: the count must not creep.
    expect(new Set(epochs.map((e) => e.memory.numTensors)).size).toBe(1);
    expect(statusesOf(posted)).toEqual(['loading', 'running', 'completed']);
    expect(posted.some((m) => m.type === 'loadProgress' && m.done === m.total)).toBe(true);

    const record = await s.runs.get('r1');
    expect(record).toMatchObject({ status: 'completed', epochsDone: 3, backend: 'cpu', adapter: 'test cpu', classNames: ['circle', 'square', 'triangle'] });
    expect(record?.lastMetrics).toEqual(epochs[2].metrics);
    expect(record?.step).toBe(epochs[2].step);
    expect(record?.totalSteps).toBe(epochs[2].step);
    expect(record?.resumeFrom).toEqual({ epoch: 3, step: epochs[2].step });
    expect(Object.keys(record?.test ?? {})).toEqual(expect.arrayContaining(['test_loss', 'test_acc']));
    expect(record?.best?.monitor).toBe('val_loss');
    expect(record?.activeSec).toBeGreaterThan(0);
    expect(record?.endedAt).toBeGreaterThanOrEqual(record?.startedAt ?? Infinity);
    expect((await s.runs.getCheckpoint('r1', 'last'))?.epoch).toBe(3);
    expect(await s.runs.hasCheckpoint('r1', 'final')).toBe(true);
    expect(await s.runs.hasCheckpoint('r1', 'best')).toBe(true);
  });

  it('resumes a stopped run from its last checkpoint onto the curve of an uninterrupted run', async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(3), 'full');
    await storeRun(s.runs, tinyRunSpec(3), 'cut');
    await runSession(session(s, 'full').options);

    let trainer: Trainer | undefined;
    const first = session(s, 'cut', { onTrainer: (t) => (trainer = t) });
    const post = first.options.post;
    first.options.post = (m) => {
      post(m);
      if (m.type === 'event' && m.event.type === 'epoch') trainer?.stop();
    };
    expect(await runSession(first.options)).toBe('stopped');
    const stopped = await s.runs.get('cut');
    expect(stopped).toMatchObject({ status: 'stopped', epochsDone: 1, message: 'stopped by the user' });
    expect(stopped?.resumeFrom?.epoch).toBe(1);

    const before = tf.memory().numTensors;
    const second = session(s, 'cut', { resume: true });
    expect(await runSession(second.options)).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
    expect(statusesOf(second.posted)).toEqual(['loading', 'running', 'completed']);
    expect(second.posted[0]).toMatchObject({ type: 'runStatus', message: expect.stringContaining('resuming from epoch 1') });

    const stored = await s.runs.events('cut');
    const reference = await s.runs.events('full');
    const steps = stored.filter(isStep);
    expect(steps.map((e) => e.step)).toEqual(reference.filter(isStep).map((e) => e.step));
    steps.forEach((e, i) => expect(e.loss).toBeCloseTo((reference.filter(isStep)[i] as StepEvent).loss, 5));
    expect(stored.filter(isEpoch).map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(stored.filter((e) => e.type === 'trainBegin').map((e) => (e.type === 'trainBegin' ? e.startEpoch : -1))).toEqual([0, 1]);
    expect(stored.filter((e) => e.type === 'trainEnd')).toHaveLength(1);
    const record = await s.runs.get('cut');
    expect(record).toMatchObject({ status: 'completed', epochsDone: 3, startedAt: stopped?.startedAt });
    expect(record?.activeSec).toBeGreaterThan(stopped?.activeSec ?? Infinity);
  });

  it('starts over, saying so, when asked to resume a run without a checkpoint; a fresh start drops an earlier attempt', async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(1), 'r');
    const resumed = session(s, 'r', { resume: true });
    expect(await runSession(resumed.options)).toBe('completed');
    expect(resumed.posted[0]).toMatchObject({ type: 'runStatus', status: 'loading', message: expect.stringContaining('starts from the beginning') });

    const again = session(s, 'r');
    expect(await runSession(again.options)).toBe('completed');
    expect(await s.runs.events('r')).toEqual(eventsOf(again.posted));
    expect((await s.runs.get('r'))?.epochsDone).toBe(1);
  });

  it('pauses and resumes, reporting and storing each status', async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(1), 'p');
    const { options, posted } = session(s, 'p');
    const run = new RunSession(options);
    const done = run.run();
    await run.pause();
    expect(statusesOf(posted).at(-1)).toBe('paused');
    expect((await s.runs.get('p'))?.status).toBe('paused');
    const stepsWhilePaused = eventsOf(posted).filter(isStep).length;
    await new Promise((r) => setTimeout(r, 50));
    expect(eventsOf(posted).filter(isStep)).toHaveLength(stepsWhilePaused);
    run.resume();
    expect(await done).toBe('completed');
    expect(statusesOf(posted)).toEqual(['loading', 'running', 'paused', 'running', 'completed']);
  });

  it("starts from another run's best checkpoint when model.initialWeights names that run, and fails clearly when it has none", async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(1), 'base');
    await runSession(session(s, 'base').options);
    const from = (await s.runs.getCheckpoint('base', 'best'))?.weights[0];
    const tuned = tinyRunSpec(1);
    await storeRun(s.runs, { ...tuned, model: { ...tuned.model, initialWeights: { from: 'checkpoint', path: 'base' } } }, 'tuned');
    let start: Float32Array | undefined;
    // onTrainer runs before fit: the model holds exactly what it starts from.
    const { options } = session(s, 'tuned', { onTrainer: (t) => (start ??= t.model.getWeights()[0].dataSync() as Float32Array) });
    expect(await runSession(options)).toBe('completed');
    expect(Array.from(start ?? [])).toEqual(Array.from(from?.data ?? [NaN]));

    await storeRun(s.runs, { ...tuned, model: { ...tuned.model, initialWeights: { from: 'checkpoint', path: 'nowhere' } } }, 'lost');
    expect(await runSession(session(s, 'lost').options)).toBe('failed');
    expect((await s.runs.get('lost'))?.message).toBe('model.initialWeights names run "nowhere", which has no checkpoint to start from');
  });

  it('ends as failed with the reason when the data cannot be read, keeping the run', async () => {
    const s = await storage();
    await storeRun(s.runs, tinyRunSpec(1), 'bad');
    const before = tf.memory().numTensors;
    const broken: SampleSource = {
      description: 'a broken source',
      list: async () => [
        { id: 'a', className: 'x' },
        { id: 'b', className: 'y' },
      ],
      read: () => Promise.reject(new Error('disk on fire')),
    };
    const { options, posted } = session(s, 'bad', { openSource: () => broken });

    expect(await runSession(options)).toBe('failed');

    expect(tf.memory().numTensors).toBe(before);
    const record = await s.runs.get('bad');
    expect(record?.status).toBe('failed');
    expect(record?.message).toContain('disk on fire');
    expect(posted.at(-1)).toMatchObject({ type: 'error', runId: 'bad', message: expect.stringContaining('disk on fire') });
    expect(statusesOf(posted)).toEqual(['loading', 'failed']);
  });
});
