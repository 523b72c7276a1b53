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
 * free loopback port, without persistence (with a password when given: the URL carries it),
 * stopped by `stop()`.
 */
export async function startRedis(options: { password?: string } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], { stdio: 'ignore' });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`redis-server could not start (${err.message}); install it: apt-get install redis-server`)));
    child.once('spawn', resolve);
  });
  await spawned;
  const url = options.password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
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
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
