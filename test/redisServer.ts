import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createCompanionServer } from '../src/companion/companionServer.ts';
import { RedisQueue } from '../src/companion/redisQueue.ts';
import { UploadStore } from '../src/companion/uploadStore.ts';

/** A free loopback port (the OS picks it; closed again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Test support only: a real redis-server (Debian's package, which .ci/run installs) on a
 * free loopback port, without persistence unless `persistDir` is given (with a password when
 * given: the URL carries it), stopped by `stop()`, restarted in place by `restart()`.
 */
export async function startRedis(options: { password?: string; persistDir?: string } = {}): Promise<{ url: string; stop(): Promise<void>; restart(downMs?: number): Promise<void> }> {
  const port = await freePort();
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  // With persistDir: an append-only file synced on every write, as an operator keeping jobs across a Redis restart would run it.
  const persistence = options.persistDir === undefined ? ['--save', '', '--appendonly', 'no'] : ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.persistDir];
  const url = options.password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  let child = await spawnRedis(['--port', String(port), '--bind', '127.0.0.1', ...persistence, ...auth], url);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return {
    url,
    stop,
    /** Stops the server, waits `downMs` with nothing listening, and starts it again on the same port (and files). */
    async restart(downMs = 1000) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      child = await spawnRedis(['--port', String(port), '--bind', '127.0.0.1', ...persistence, ...auth], url);
    },
  };
}

async function spawnRedis(args: string[], url: string): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`redis-server could not start (${err.message}); install it: apt-get install redis-server`)));
    child.once('spawn', resolve);
  });
  await spawned;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connects while the server starts are expected; connect() reports them below.
  probe.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (err) {
      if (i > 50) throw new Error(`redis-server on ${url} did not answer: ${String(err)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
  return child;
}

/**
 * Test support only: the companion's HTTP API over a RedisQueue on `url` (the gateway, in
 * this process) with `root` as the shared run folder, on a free loopback port.
 */
export async function startRedisGateway(url: string, root: string, token: string): Promise<{ queue: RedisQueue; base: string; close(): Promise<void> }> {
  const queue = new RedisQueue(url);
  await queue.open();
  const server = createCompanionServer({
    queue,
    uploads: new UploadStore(join(root, 'uploads')),
    runDir: (id) => join(root, 'runs', id),
    token,
    allowedOrigins: [],
    maxBodyBytes: 64 * 1024,
    maxUploadBytes: 64 * 1024,
    backend: { backend: 'workers', adapter: 'BullMQ' },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    queue,
    base,
    async close() {
      server.close();
      await queue.close();
    },
  };
}

/** Test support only: a worker process started as a user starts one (`npm run companion -- worker --redis URL`), resolved once it is ready. */
export function startRedisWorker(url: string, root: string, lockMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/companion/main.ts', 'worker', '--redis', url, '--root', root, '--backend', 'cpu', '--lock-ms', String(lockMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('companion worker')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
}
