import { createHash } from 'node:crypto';
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { createCompanionServer, type CompanionServerOptions } from '../src/companion/companionServer.ts';
import { DiskState } from '../src/companion/diskState.ts';
import { EmbeddedQueue, type EmbeddedQueueOptions } from '../src/companion/embeddedQueue.ts';
import { openJobSource } from '../src/companion/openJobSource.ts';
import { UploadStore } from '../src/companion/uploadStore.ts';
import { datasetVersion, type DatasetManifest } from '../src/core/data/datasetManifest.ts';
import { encodePgm } from '../src/node/writeDataset.ts';

/**
 * Test support only: a small two-class dataset as the studio would upload it (PGM bytes
 * per image and the manifest naming them by SHA-256): class "light" images are bright
 * with a dark bar, class "dark" the reverse, so a tiny model can learn them.
 */
export function uploadableDataset(perClass = 6, size = 8): { manifest: DatasetManifest; blobs: Map<string, Uint8Array<ArrayBuffer>> } {
  const blobs = new Map<string, Uint8Array<ArrayBuffer>>();
  const samples: DatasetManifest['samples'] = [];
  for (const className of ['light', 'dark']) {
    for (let i = 0; i < perClass; i++) {
      const data = new Uint8Array(size * size);
      for (let p = 0; p < data.length; p++) {
        const bar = p % size === i % size;
        const bright = className === 'light' ? !bar : bar;
        data[p] = bright ? 200 + ((p * 7 + i) % 40) : 20 + ((p * 3 + i) % 30);
      }
      const bytes = encodePgm({ width: size, height: size, channels: 1, data });
      const hash = createHash('sha256').update(bytes).digest('hex');
      blobs.set(hash, new Uint8Array(bytes));
      samples.push({ id: hash, hash, name: `${className}-${i}.pgm`, className });
    }
  }
  return { manifest: { format: 'studio-dataset/1', version: datasetVersion(samples), name: 'bars', samples }, blobs };
}

export const COMPANION_TEST_TOKEN = 'companion-test-token-0123456789abcdef';

export interface StartedCompanion {
  queue: EmbeddedQueue;
  uploads: UploadStore;
  root: string;
  port: number;
  base: string;
  server: Server;
  call(path: string, init?: RequestInit, token?: string | null): Promise<Response>;
  post(path: string, body: unknown, method?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Test support only: an embedded companion (queue, uploads, HTTP API) on a free loopback
 * port over `root`, as main.ts wires it; `options` overrides the server's settings.
 */
export async function startCompanion(
  root: string,
  options: Partial<CompanionServerOptions> & {
    openSource?: EmbeddedQueueOptions['openSource'];
    queueOptions?: Partial<EmbeddedQueueOptions>;
    /** A fault-injecting file layer: called before each write of the companion's own files (queue state, event logs, uploads). */
    beforeWrite?: (path: string) => void;
  } = {},
): Promise<StartedCompanion> {
  const disk = options.disk ?? new DiskState();
  const uploads = options.uploads ?? new UploadStore(join(root, 'uploads'), { disk, ...(options.beforeWrite ? { beforeWrite: options.beforeWrite } : {}) });
  const queue = new EmbeddedQueue({
    root,
    backend: 'cpu',
    openSource: options.openSource ?? openJobSource(uploads),
    disk,
    ...(options.beforeWrite ? { beforeWrite: options.beforeWrite } : {}),
    ...options.queueOptions,
  });
  await queue.open();
  const server = createCompanionServer({
    queue,
    uploads,
    runDir: (id) => queue.runDir(id),
    token: COMPANION_TEST_TOKEN,
    allowedOrigins: ['http://localhost:5173'],
    maxBodyBytes: 64 * 1024,
    maxUploadBytes: 256 * 1024,
    backend: { backend: 'cpu', adapter: 'fast kernels' },
    disk,
    ...options,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const call = (path: string, init: RequestInit = {}, token: string | null = COMPANION_TEST_TOKEN) =>
    fetch(`${base}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const post = (path: string, body: unknown, method = 'POST') => call(path, { method, body: JSON.stringify(body) });
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await queue.close();
  };
  return { queue, uploads, root, port, base, server, call, post, close };
}

/** Every file under `dir` (relative paths, sorted): what a refused request must leave unchanged. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
