import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import shapesDemo from '../../examples/shapes-demo.json';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import type { RunRepo } from './runRepo.ts';
import type { RunRecord, RunStatus } from './storageRecords.ts';
import { openStudioStorage, type StudioStorage } from './studioStorage.ts';

const spec = parseRunSpec(shapesDemo);

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id, name: `run ${id}`, tags: [], spec, specHash: 'abc', architecture: spec.model.architecture,
    status: 'queued', createdAt: 1, activeSec: 0, epochsDone: 0, step: 0, ...extra,
  };
}

const memory = { numTensors: 1, numBytes: 4 };
const begin = (startEpoch: number, startStep: number): TrainEvent => ({
  type: 'trainBegin', specHash: 'abc', backend: 'cpu', epochs: 3, stepsPerEpoch: 4, totalSteps: 12, startEpoch, startStep,
  trainSamples: 8, valSamples: 2, classNames: ['a', 'b'], params: 10, time: 0,
});
const step = (epoch: number, s: number): TrainEvent => ({
  type: 'step', epoch, step: s, loss: 1 / (s + 1), metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 1, memory, time: s,
});
const epochEnd = (epoch: number, s: number): TrainEvent => ({
  type: 'epoch', epoch, step: s, metrics: { loss: 1 }, lr: 0.1, samplesPerSec: 1, durationSec: 1, etaSec: 1, memory, time: s,
});
const ckpt = (epoch: number, s: number): TrainEvent => ({ type: 'checkpoint', epoch, step: s, kind: 'periodic', time: s });

/**
 * A run that trained two epochs of 4 steps (checkpoints after each), then was cut off two
 * steps into its third. An epoch event carries the index of the epoch it ends and a checkpoint
 * the count of epochs completed, as the Trainer emits them.
 */
const interrupted: TrainEvent[] = [
  begin(0, 0), step(0, 1), step(0, 3), epochEnd(0, 4), ckpt(1, 4), step(1, 5), step(1, 7), epochEnd(1, 8), ckpt(2, 8), step(2, 9),
];
/** The same run resumed from epoch 1 once already (a second trainBegin), then interrupted again. */
const resumedTwice: TrainEvent[] = [...interrupted.slice(0, 5), begin(1, 4), step(1, 5), step(1, 7), epochEnd(1, 8), ckpt(2, 8), step(2, 9)];

let storage: StudioStorage;
let runs: RunRepo;

beforeEach(async () => {
  storage = await openStudioStorage(`t-${crypto.randomUUID()}`);
  runs = storage.runs;
});

afterEach(() => storage.db.close());

describe('RunRepo records', () => {
  it('creates, lists newest first, updates and deletes runs', async () => {
    await runs.create(run('old', { createdAt: 100 }));
    await runs.create(run('new', { createdAt: 300 }));
    await runs.create(run('mid', { createdAt: 200 }));
    expect((await runs.list()).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    await expect(runs.create(run('old'))).rejects.toThrow(/a run with id "old" already exists/);

    const updated = await runs.update('mid', { status: 'running', epochsDone: 2, lastMetrics: { loss: 0.5 } });
    expect(updated).toMatchObject({ id: 'mid', status: 'running', epochsDone: 2, lastMetrics: { loss: 0.5 }, name: 'run mid' });
    const again = await runs.update('mid', { step: 8 });
    expect(again).toMatchObject({ status: 'running', epochsDone: 2, step: 8 });
    expect(await runs.get('mid')).toEqual(again);
    await expect(runs.update('ghost', { step: 1 })).rejects.toThrow(/no run with id "ghost"; nothing was updated/);

    await runs.appendEvents('mid', interrupted);
    await runs.putCheckpoint('mid', 'last', checkpoint());
    await runs.appendEvents('old', [begin(0, 0)]);
    await runs.delete('mid');
    expect(await runs.get('mid')).toBeUndefined();
    expect(await runs.events('mid')).toEqual([]);
    expect(await runs.hasCheckpoint('mid', 'last')).toBe(false);
    expect(await storage.db.count('events')).toBe(1);
    await expect(runs.delete('mid')).rejects.toThrow(/no run with id "mid"/);
  });
});

describe('RunRepo events', () => {
  it('continues sequence numbers across appends and returns events in emission order', async () => {
    await runs.create(run('r'));
    await runs.appendEvents('r', interrupted.slice(0, 4));
    await runs.appendEvents('r', interrupted.slice(4));
    await runs.appendEvents('r', []);
    expect(await runs.events('r')).toEqual(interrupted);
    const records = await storage.db.getAll('events');
    expect(records.map((r) => r.seq)).toEqual(interrupted.map((_, i) => i));
    await expect(runs.appendEvents('ghost', [begin(0, 0)])).rejects.toThrow(/no run with id "ghost"; its 1 new events were not saved/);
  });

  // The cases the CLI's RunDirectory.truncateEventsTo meets (a resume from `last`, and a
  // fresh start with {epoch: -1, step: -1}); the kept events are worked out by hand from
  // eventsUpTo's rule: steps of completed epochs, boundaries up to the checkpoint's step, every trainBegin.
  it.each([
    { name: 'interrupted mid-epoch, resumed from epoch 2', events: interrupted, at: { epoch: 2, step: 8 }, kept: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    { name: 'interrupted, resumed from epoch 1', events: interrupted, at: { epoch: 1, step: 4 }, kept: [0, 1, 2, 3, 4] },
    { name: 'resumed before, resumed again from epoch 2', events: resumedTwice, at: { epoch: 2, step: 8 }, kept: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    { name: 'started over (no checkpoint)', events: interrupted, at: { epoch: -1, step: -1 }, kept: [0] },
  ])('truncates as the run directory does: $name', async ({ events, at, kept }) => {
    await runs.create(run('r'));
    await runs.appendEvents('r', events);
    await runs.truncateEventsTo('r', at);
    expect(await runs.events('r')).toEqual(kept.map((i) => events[i]));
  });

  it('keeps the sequence numbers of kept events and appends after them', async () => {
    await runs.create(run('r'));
    await runs.appendEvents('r', interrupted);
    await runs.truncateEventsTo('r', { epoch: 1, step: 4 });
    await runs.appendEvents('r', [begin(1, 4), step(1, 5)]);
    const records = await storage.db.getAll('events');
    expect(records.map((r) => [r.seq, r.event.type])).toEqual([
      [0, 'trainBegin'], [1, 'step'], [2, 'step'], [3, 'epoch'], [4, 'checkpoint'], [5, 'trainBegin'], [6, 'step'],
    ]);
  });
});

function checkpoint(): Checkpoint {
  return {
    format: 'studio-checkpoint/1',
    specHash: 'abc',
    epoch: 2,
    step: 8,
    rngState: 123456789,
    weights: [
      { name: 'dense/kernel', shape: [2, 3], data: new Float32Array([0.5, -1.25, 3, 1e-7, -0, 42]) },
      { name: 'dense/bias', shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) },
    ],
    extraWeights: [{ name: 'arcface/centres', shape: [1, 2], data: new Float32Array([0.6, 0.8]) }],
    optimizer: {
      type: 'adam',
      iterations: 8,
      slots: [
        { name: 'm', tensors: [{ shape: [2, 3], data: new Float32Array(6).fill(0.01) }, { shape: [3], data: new Float32Array([1, 2, 3]) }] },
        { name: 'v', tensors: [{ shape: [2, 3], data: new Float32Array(6).fill(0.02) }, { shape: [3], data: new Float32Array([4, 5, 6]) }] },
      ],
    },
    scheduleState: { bestLoss: 0.4 },
    best: { epoch: 2, monitor: 'val_loss', value: 0.4 },
    classNames: ['a', 'b'],
    time: 1700000000000,
  };
}

describe('RunRepo checkpoints', () => {
  it('round-trips a checkpoint through its slot and records where it was taken', async () => {
    await runs.create(run('r'));
    expect(await runs.hasCheckpoint('r', 'last')).toBe(false);
    expect(await runs.getCheckpoint('r', 'last')).toBeUndefined();
    const original = checkpoint();
    await runs.putCheckpoint('r', 'last', original);
    expect(await runs.hasCheckpoint('r', 'last')).toBe(true);
    expect(await runs.hasCheckpoint('r', 'best')).toBe(false);
    expect(await runs.getCheckpoint('r', 'last')).toEqual(original);
    expect(await storage.db.get('checkpoints', ['r', 'last'])).toMatchObject({ epoch: 2, step: 8, time: 1700000000000 });
    await expect(runs.putCheckpoint('ghost', 'last', original)).rejects.toThrow(/no run with id "ghost"; the checkpoint was not saved/);
  });
});

describe('RunRepo.reset', () => {
  it('replaces the record and drops every event and checkpoint of the earlier attempt, and only that run\'s', async () => {
    await runs.create(run('r', { status: 'stopped', startedAt: 5, resumeFrom: { epoch: 2, step: 8 } }));
    await runs.create(run('other'));
    await runs.appendEvents('r', interrupted);
    await runs.appendEvents('other', interrupted.slice(0, 2));
    await runs.putCheckpoint('r', 'last', checkpoint());
    await runs.putCheckpoint('other', 'last', checkpoint());
    await runs.reset(run('r', { status: 'queued' }));
    expect(await runs.get('r')).toEqual(run('r', { status: 'queued' }));
    expect(await runs.events('r')).toEqual([]);
    expect(await runs.hasCheckpoint('r', 'last')).toBe(false);
    expect(await runs.events('other')).toEqual(interrupted.slice(0, 2));
    expect(await runs.hasCheckpoint('other', 'last')).toBe(true);
    await expect(runs.reset(run('ghost'))).rejects.toThrow(/no run with id "ghost"; nothing was reset/);
  });
});

describe('RunRepo.markInterrupted', () => {
  it('marks runs no engine holds any more, with how resume will continue', async () => {
    const statuses: [string, RunStatus, Partial<RunRecord>][] = [
      ['running', 'running', { resumeFrom: { epoch: 3, step: 12 } }],
      ['paused', 'paused', {}],
      ['queued', 'queued', {}],
      ['live', 'loading', {}],
      ['done', 'completed', {}],
      ['failed', 'failed', { message: 'out of memory' }],
      // A companion trains this one: closing the page interrupts nothing.
      ['remote', 'running', { remote: { url: 'http://gpu:8787', jobId: 'remote' } }],
    ];
    for (const [id, status, extra] of statuses) await runs.create(run(id, { status, ...extra }));
    const asked: string[] = [];
    const marked = await runs.markInterrupted(async (id) => {
      asked.push(id);
      return id === 'live';
    });
    expect(asked.sort()).toEqual(['live', 'paused', 'queued', 'running']);
    expect(marked.map((r) => r.id).sort()).toEqual(['paused', 'queued', 'running']);
    const byId = Object.fromEntries((await runs.list()).map((r) => [r.id, r]));
    expect(byId.running).toMatchObject({
      status: 'interrupted',
      message: expect.stringMatching(/closed or reloaded while the run was training; resume continues from epoch 3/),
    });
    expect(byId.paused).toMatchObject({ status: 'interrupted', message: expect.stringMatching(/resume starts from the start/) });
    expect(byId.queued).toMatchObject({ status: 'interrupted', message: expect.stringMatching(/before the run started/) });
    expect(byId.live.status).toBe('loading');
    expect(byId.remote.status).toBe('running');
    expect(byId.done.status).toBe('completed');
    expect(byId.failed).toMatchObject({ status: 'failed', message: 'out of memory' });
    // Marked runs are no longer in progress, so a second pass (here with a synchronous isLive) finds nothing new.
    expect(await runs.markInterrupted((id) => id === 'live')).toEqual([]);
  });
});
