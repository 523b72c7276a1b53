import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { uploadableDataset } from '../../test/companionFixtures.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';
import { createCompanionServer } from '../companion/companionServer.ts';
import { EmbeddedQueue } from '../companion/embeddedQueue.ts';
import { openJobSource } from '../companion/openJobSource.ts';
import { UploadStore } from '../companion/uploadStore.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import type { FromEngine } from '../engine/protocol.ts';
import type { RunRecord } from '../storage/storageRecords.ts';
import { openStudioStorage, type StudioStorage } from '../storage/studioStorage.ts';
import { CompanionClient, CompanionError, type WebSocketFactory } from './companionClient.ts';
import { RemoteRunMirror } from './remoteRunMirror.ts';
import { uploadDataset, type UploadProgress } from './uploadDataset.ts';

/**
 * The studio's side against a real companion (HTTP server, embedded queue, training on
 * the CPU) and a real IndexedDB implementation: upload, submit, live events into
 * storage, checkpoints fetched back.
 */
const TOKEN = 'mirror-test-token';
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const openWs: WebSocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>;

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'mirror-'));
  const uploads = new UploadStore(join(root, 'uploads'));
  const queue = new EmbeddedQueue({ root, backend: 'cpu', openSource: openJobSource(uploads) });
  await queue.open();
  const server = createCompanionServer({
    queue, uploads, runDir: (id) => queue.runDir(id), token: TOKEN, allowedOrigins: [], maxBodyBytes: 1 << 20, maxUploadBytes: 1 << 20,
    backend: { backend: 'cpu', adapter: 'fast kernels' },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const storage = await openStudioStorage(`mirror-${crypto.randomUUID()}`);
  cleanups.push(async () => {
    await queue.idle();
    server.close();
    storage.db.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { url, storage, queue };
}

async function storeDataset(storage: StudioStorage) {
  const { manifest, blobs } = uploadableDataset();
  const ds = await storage.datasets.create('bars', 'import');
  for (const [hash, bytes] of blobs) {
    await storage.datasets.putBlob({ hash, type: 'image/x-portable-anymap', bytes: bytes.slice().buffer, width: 8, height: 8 }, { hash, type: 'image/png', bytes: new ArrayBuffer(1) });
  }
  const { dataset } = await storage.datasets.commitSamples(
    ds.id,
    manifest.samples.map((s) => ({ id: s.id, hash: s.hash, name: s.name, className: s.className, width: 8, height: 8 })),
  );
  return dataset;
}

describe('a run trained on a companion, seen from the studio', () => {
  it('uploads only what the companion lacks, streams the curve into IndexedDB and brings the checkpoints home', async () => {
    const { url, storage } = await setup();
    const dataset = await storeDataset(storage);
    const client = new CompanionClient(url, TOKEN, openWs);
    expect(await client.health()).toMatchObject({ backend: 'cpu', queue: { queued: 0 } });

    const progress: UploadProgress[] = [];
    expect(await uploadDataset(client, storage.datasets, dataset.id, (p) => progress.push(p))).toBe(dataset.version);
    expect(progress.at(-1)).toEqual({ sent: 12, toSend: 12, total: 12, alreadyThere: 0 });
    // A second upload of the same version sends nothing: every image is already there.
    const again: UploadProgress[] = [];
    await uploadDataset(client, storage.datasets, dataset.id, (p) => again.push(p));
    expect(again.at(-1)).toEqual({ sent: 0, toSend: 0, total: 12, alreadyThere: 12 });

    const spec = parseRunSpec({ ...tinyRunSpec(2), data: { source: { kind: 'indexeddb', datasetId: dataset.id, version: dataset.version }, imageSize: 8, channels: 1 } });
    const record: RunRecord = {
      id: 'remote-run-1', name: 'remote', tags: [], spec, specHash: 'x', datasetId: dataset.id, datasetVersion: dataset.version, architecture: spec.model.architecture,
      status: 'queued', createdAt: Date.now(), activeSec: 0, epochsDone: 0, step: 0, remote: { url, jobId: 'remote-run-1' },
    };
    await storage.runs.create(record);
    await client.submitJob(record.id, spec);

    const posted: FromEngine[] = [];
    const live = client.live();
    cleanups.push(() => live.close());
    const mirror = new RemoteRunMirror({ runs: storage.runs, runId: record.id, client, live, post: (m) => posted.push(m), flushEveryMs: 10 });
    await mirror.start();
    await mirror.done;

    const stored = await storage.runs.get(record.id);
    expect(stored).toMatchObject({ status: 'completed', epochsDone: 2, backend: 'cpu', classNames: ['dark', 'light'] });
    expect(stored?.test?.test_acc).toBeGreaterThanOrEqual(0);
    expect(stored?.remote?.lastSeq).toBeGreaterThan(5);
    const events = await storage.runs.events(record.id);
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : -1))).toEqual([0, 1]);
    expect(events.length).toBe((stored?.remote?.lastSeq ?? 0) + 1);
    const final = await storage.runs.getCheckpoint(record.id, 'final');
    expect(final?.epoch).toBe(2);
    expect(await storage.runs.hasCheckpoint(record.id, 'last')).toBe(true);
    expect(posted.filter((m) => m.type === 'event').length).toBe(events.length);
    expect(posted.at(-1)).toMatchObject({ type: 'runStatus', status: 'completed' });
  });

  it('says what went wrong: a wrong token, an unreachable companion, a spec it refuses', async () => {
    const { url } = await setup();
    await expect(new CompanionClient(url, 'wrong', openWs).health()).rejects.toThrow('401 a valid access token is required (Authorization: Bearer <token>) (check the access token the companion printed at start)');
    await expect(new CompanionClient('http://127.0.0.1:9', TOKEN, openWs).health()).rejects.toThrow('could not reach the companion at http://127.0.0.1:9');
    const refused = await new CompanionClient(url, TOKEN, openWs).submitJob('bad', { ...parseRunSpec(tinyRunSpec(1)), optimizer: { type: 'adam', lr: -1 } } as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CompanionError);
    expect((refused as CompanionError).status).toBe(400);
    expect((refused as CompanionError).problems.map((p) => p.path)).toContain('optimizer.lr');
  });
});
