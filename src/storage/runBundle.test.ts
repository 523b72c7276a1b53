import 'fake-indexeddb/auto';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import shapesDemo from '../../examples/shapes-demo.json';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { packCheckpoint } from '../core/train/checkpointBundle.ts';
import { encodeCheckpoint } from '../core/train/checkpoint.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { stableHash } from '../core/util/stableHash.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import { packRunBundle, RUN_BUNDLE_LIMITS, RunBundleError, unpackRunBundle, type RunBundle } from './runBundle.ts';
import { RunBundleRepo } from './runBundleRepo.ts';
import type { DatasetRecord, RunRecord } from './storageRecords.ts';
import { openStudioStorage, type StudioStorage } from './studioStorage.ts';

let storage: StudioStorage;
let bundles: RunBundleRepo;
let dataset: DatasetRecord;
let run: RunRecord;

const events: TrainEvent[] = [
  { type: 'trainBegin', specHash: 'x', backend: 'cpu', epochs: 1, stepsPerEpoch: 2, totalSteps: 2, startEpoch: 0, startStep: 0, trainSamples: 4, valSamples: 0, classNames: ['a', 'b'], params: 6, time: 0 },
  { type: 'epoch', epoch: 1, step: 2, metrics: { loss: 0.5, acc: 0.75 }, lr: 0.1, samplesPerSec: 10, durationSec: 1, etaSec: 0, memory: { numTensors: 1, numBytes: 4 }, time: 1 },
];

function checkpoint(specHash: string): Checkpoint {
  return {
    format: 'studio-checkpoint/1',
    specHash,
    epoch: 1,
    step: 2,
    rngState: 7,
    weights: [{ name: 'dense/kernel', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    extraWeights: [],
    optimizer: { type: 'sgd', step: 2, slots: [] } as unknown as Checkpoint['optimizer'],
    classNames: ['a', 'b'],
    time: 1,
  };
}

/** A dataset of four tiny distinct "images" (content-addressed like the importer's) and a completed run on it with a final checkpoint. */
beforeEach(async () => {
  storage = await openStudioStorage(`t-${crypto.randomUUID()}`);
  bundles = new RunBundleRepo(storage.db);
  dataset = await storage.datasets.create('shapes', 'demo');
  const staged = [];
  for (let i = 0; i < 4; i++) {
    const bytes = Uint8Array.from([80, 53, 10, i, i, i]);
    const hash = await sha256Hex(bytes);
    await storage.datasets.putBlob({ hash, type: 'image/x-portable-anymap', bytes: bytes.slice().buffer, width: 1, height: 1 }, { hash, type: 'image/png', bytes: Uint8Array.from([i]).buffer });
    staged.push({ id: hash, hash, name: `${i % 2 ? 'a' : 'b'}/${i}.pgm`, className: i % 2 ? 'a' : 'b', width: 1, height: 1 });
  }
  dataset = (await storage.datasets.commitSamples(dataset.id, staged)).dataset;
  const spec = parseRunSpec({ ...shapesDemo, data: { ...shapesDemo.data, source: { kind: 'indexeddb', datasetId: dataset.id, version: dataset.version } } });
  run = {
    id: 'run-1', name: 'shapes-abc', tags: ['class'], spec, specHash: stableHash(spec), datasetId: dataset.id, datasetName: dataset.name, datasetVersion: dataset.version,
    architecture: spec.model.architecture, status: 'completed', createdAt: 5, activeSec: 3, epochsDone: 1, step: 2, lastMetrics: { loss: 0.5, acc: 0.75 }, classNames: ['a', 'b'],
  };
  await storage.runs.create(run);
  await storage.runs.appendEvents(run.id, events);
  await storage.runs.putCheckpoint(run.id, 'final', checkpoint(run.specHash));
});

afterEach(() => storage.db.close());

/** A second, empty browser. */
async function elsewhere(): Promise<{ other: StudioStorage; repo: RunBundleRepo }> {
  const other = await openStudioStorage(`t-${crypto.randomUUID()}`);
  return { other, repo: new RunBundleRepo(other.db) };
}

async function counts(s: StudioStorage): Promise<number[]> {
  return Promise.all((['runs', 'events', 'checkpoints', 'datasets', 'samples', 'blobs', 'thumbs'] as const).map((store) => s.db.count(store)));
}

/** The file with one entry replaced (or removed with undefined), re-zipped. */
function edit(file: Uint8Array, name: string, bytes: Uint8Array | undefined): Uint8Array {
  const entries: Zippable = { ...unzipSync(file) };
  if (bytes === undefined) delete entries[name];
  else entries[name] = bytes;
  return zipSync(entries);
}

function editManifest(file: Uint8Array, change: (m: Record<string, unknown>) => void): Uint8Array {
  const manifest = JSON.parse(strFromU8(unzipSync(file)['manifest.json'])) as Record<string, unknown>;
  change(manifest);
  return edit(file, 'manifest.json', strToU8(JSON.stringify(manifest)));
}

describe('run bundles', () => {
  it('round-trip a run with its dataset into another browser, where the run, curves, model and data are the same', async () => {
    const file = packRunBundle(await bundles.read(run.id, true));
    const { other, repo } = await elsewhere();
    const imported = await repo.store(await unpackRunBundle(file));
    expect(imported.renamedFrom).toBeUndefined();
    expect(imported.dataset.kind).toBe('added');
    const back = await other.runs.get(run.id);
    expect(back).toEqual(run);
    expect(await other.runs.events(run.id)).toEqual(events);
    const ckpt = await other.runs.getCheckpoint(run.id, 'final');
    expect(ckpt?.weights[0].data).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(ckpt?.weights[0].shape).toEqual([3, 2]);
    const snapshot = await other.datasets.snapshot(dataset.id);
    expect(snapshot.dataset.version).toBe(dataset.version);
    expect(snapshot.samples.map((s) => s.id)).toEqual((await storage.datasets.samples(dataset.id)).map((s) => s.id));
    const sample = snapshot.samples[0];
    expect(new Uint8Array((await other.datasets.getBlob(sample.hash))!.bytes)).toEqual(new Uint8Array((await storage.datasets.getBlob(sample.hash))!.bytes));
    expect(await other.datasets.getThumb(sample.hash)).toBeDefined();
    other.db.close();
  });

  it('without its dataset the run arrives pointing at a dataset this browser lacks, and says so', async () => {
    const file = packRunBundle(await bundles.read(run.id, false));
    expect(Object.keys(unzipSync(file)).some((n) => n.startsWith('dataset/'))).toBe(false);
    const { other, repo } = await elsewhere();
    const imported = await repo.store(await unpackRunBundle(file));
    expect(imported.dataset).toEqual({ kind: 'missing', name: 'shapes' });
    expect(await other.db.count('datasets')).toBe(0);
    expect(await other.runs.getCheckpoint(run.id, 'final')).toBeDefined();
    other.db.close();
  });

  it('importing into a browser that holds the run and its data keeps both runs and stores the data once', async () => {
    const file = packRunBundle(await bundles.read(run.id, true));
    const before = await counts(storage);
    const imported = await bundles.store(await unpackRunBundle(file));
    expect(imported.renamedFrom).toBe(run.id);
    expect(imported.run.id).not.toBe(run.id);
    expect(imported.dataset).toMatchObject({ kind: 'existing', record: { id: dataset.id } });
    // The original run is untouched; the copy is a second run on the same dataset.
    expect(await storage.runs.get(run.id)).toEqual(run);
    expect(imported.run.datasetId).toBe(dataset.id);
    const after = await counts(storage);
    expect(after).toEqual([before[0] + 1, before[1] + events.length, before[2] + 1, ...before.slice(3)]);
  });

  it('a dataset id taken by other content gets a new id, and the run points at the copy', async () => {
    const file = packRunBundle(await bundles.read(run.id, true));
    const { other, repo } = await elsewhere();
    await other.db.put('datasets', { ...dataset, name: 'someone else', version: '0000000000000000' });
    const imported = await repo.store(await unpackRunBundle(file));
    expect(imported.dataset.kind).toBe('added');
    const copyId = imported.run.datasetId;
    expect(copyId).not.toBe(dataset.id);
    expect(imported.run.spec.data.source).toMatchObject({ kind: 'indexeddb', datasetId: copyId, version: dataset.version });
    expect(imported.run.specHash).toBe(stableHash(imported.run.spec));
    expect((await other.runs.getCheckpoint(imported.run.id, 'final'))?.specHash).toBe(imported.run.specHash);
    expect((await other.datasets.get(dataset.id))?.name).toBe('someone else');
    other.db.close();
  });

  it('refuses to export a run with no checkpoint', async () => {
    await storage.runs.create({ ...run, id: 'fresh' });
    await expect(bundles.read('fresh', true)).rejects.toThrow(/has no checkpoint yet.*nothing was exported/);
  });
});

describe('hostile run files: one clear error each, nothing stored', () => {
  let file: Uint8Array;
  beforeEach(async () => {
    file = packRunBundle(await bundles.read(run.id, true));
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['not a zip', () => strToU8('{"format":"studio-run-bundle"}'), /the file is not a zip archive \(a run file is one\)/],
    ['a truncated file', () => file.slice(0, Math.floor(file.length * 0.6)), /the zip archive is truncated or damaged \(invalid zip data\)/],
    ['another format', () => editManifest(file, (m) => (m.format = 'something-else')), /not a studio run manifest.*"something-else"/],
    ['a newer version', () => editManifest(file, (m) => (m.version = 2)), /format version 2, and this studio reads version 1: update the studio/],
    ['no manifest', () => edit(file, 'manifest.json', undefined), /it has no manifest\.json/],
    ['no events', () => edit(file, 'events.json', undefined), /it has no events\.json/],
    ['a missing checkpoint', () => edit(file, 'checkpoints/final.sck', undefined), /lists the 'final' checkpoint, but checkpoints\/final\.sck is missing/],
    ['no checkpoint at all', () => editManifest(file, (m) => (m.checkpoints = [])), /holds no checkpoint/],
    ['a manifest that is not JSON', () => edit(file, 'manifest.json', strToU8('{"format": "studio-run-bun')), /manifest\.json is not valid JSON/],
    ['a malformed run', () => editManifest(file, (m) => ((m.run as Record<string, unknown>).epochsDone = -3)), /manifest\.json is malformed \(manifest\.run\.epochsDone/],
    ['an invalid spec', () => editManifest(file, (m) => ((m.run as { spec: { training: { epochs: unknown } } }).spec.training.epochs = 'many')), /the run's spec is invalid \(training\.epochs/],
    ['a malformed event', () => edit(file, 'events.json', strToU8('[{"type":"explode","time":0}]')), /events\.json is malformed \(events\.0\.type/],
    [
      'a tensor whose shape does not hold its values',
      () => {
        const bad = checkpoint(run.specHash);
        bad.weights[0] = { ...bad.weights[0], shape: [4, 2] };
        const { manifest, data } = encodeCheckpoint(bad);
        return edit(file, 'checkpoints/final.sck', packCheckpoint(manifest, new Uint8Array(data)));
      },
      /checkpoints\/final\.sck: tensor dense\/kernel has shape \[4,2\] but 6 values/,
    ],
    [
      "a checkpoint of another spec",
      () => {
        const { manifest, data } = encodeCheckpoint(checkpoint('feedfacefeedface'));
        return edit(file, 'checkpoints/final.sck', packCheckpoint(manifest, new Uint8Array(data)));
      },
      /belongs to spec feedfacefeedface, not to the run's spec/,
    ],
    ['a checkpoint that is not one', () => edit(file, 'checkpoints/final.sck', strToU8('hello')), /checkpoints\/final\.sck does not decode \(not a studio checkpoint bundle/],
    [
      'an image whose bytes do not match its hash',
      () => {
        const name = Object.keys(unzipSync(file)).find((n) => n.startsWith('dataset/images/'))!;
        return edit(file, name, strToU8('not the picture'));
      },
      /bytes hash to [0-9a-f]{12}: the file is damaged/,
    ],
    [
      'a dataset whose labels were changed',
      () =>
        editManifest(file, (m) => {
          const samples = (m.dataset as { manifest: { samples: { className: string }[] } }).manifest.samples;
          samples[0].className = samples[0].className === 'a' ? 'b' : 'a';
        }),
      /the dataset copy is malformed \(version [0-9a-f]+ does not match the samples/,
    ],
    [
      'a huge manifest',
      () => {
        const padded = strToU8(JSON.stringify({ format: 'studio-run-bundle', padding: ' '.repeat(2 * RUN_BUNDLE_LIMITS.manifest) }));
        return edit(file, 'manifest.json', padded);
      },
      /manifest\.json would unpack to [\d.]+ MB, more than the [\d.]+ MB a run file's manifest\.json may hold/,
    ],
    [
      'a zip bomb: many image entries, each under its own cap, that together inflate past the total',
      () => {
        // 40 entries whose central directory says 60 MB each (2.4 GB unpacked), as a bomb of
        // zeros would; refused from the directory, before anything inflates.
        const entries: Record<string, Uint8Array> = {};
        for (let i = 0; i < 40; i++) entries[`dataset/images/${i.toString(16).padStart(64, '0')}`] = new Uint8Array(8);
        const bomb = zipSync({ ...unzipSync(file), ...entries });
        const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
        for (let at = 0; at + 46 <= bomb.length; at++) {
          if (view.getUint32(at, true) !== 0x02014b50) continue;
          const nameLength = view.getUint16(at + 28, true);
          const name = strFromU8(bomb.subarray(at + 46, at + 46 + nameLength));
          if (name.startsWith('dataset/images/')) view.setUint32(at + 24, 60 * 2 ** 20, true);
        }
        return bomb;
      },
      /the run file would unpack to more than [\d.]+ GB, more than a run file may hold/,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, async () => {
      const { other, repo } = await elsewhere();
      const attempt = unpackRunBundle(make()).then((b) => repo.store(b));
      await expect(attempt).rejects.toThrow(RunBundleError);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toThrow(/Nothing was imported\.$/);
      expect(await counts(other)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      other.db.close();
    });
  }

  it('a failure while storing leaves nothing behind', async () => {
    const bundle: RunBundle = await unpackRunBundle(file);
    const { other, repo } = await elsewhere();
    // A sample that cannot be cloned into IndexedDB fails its put after the run, events and dataset were written.
    const poisoned: RunBundle = { ...bundle, events: [...bundle.events, { type: 'epoch', bad: () => 1 } as unknown as TrainEvent] };
    await expect(repo.store(poisoned)).rejects.toThrow();
    expect(await counts(other)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    other.db.close();
  });
});
