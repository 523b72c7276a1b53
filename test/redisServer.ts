import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

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
