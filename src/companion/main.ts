import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend, type NodeBackendName } from '../node/backend.ts';
import { createCompanionServer } from './companionServer.ts';
import { EmbeddedQueue } from './embeddedQueue.ts';

/**
 * `npm run companion`: one machine, no other setup. Trains on WebGPU (Dawn) when asked
 * and available, else on the CPU, and says which; prints the URL and a fresh access token
 * as Jupyter does.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      root: { type: 'string', default: 'companion-data' },
      backend: { type: 'string', default: 'cpu' },
      origin: { type: 'string', multiple: true, default: ['http://localhost:5173', 'http://localhost:4173'] },
      token: { type: 'string' },
      'max-body': { type: 'string', default: String(1 << 20) },
    },
  });
  const info = await initNodeBackend(values.backend as NodeBackendName);
  const queue = new EmbeddedQueue({ root: resolve(values.root), backend: info.backend });
  await queue.open();
  const token = values.token ?? process.env.STUDIO_COMPANION_TOKEN ?? randomBytes(24).toString('hex');
  const server = createCompanionServer({ queue, token, allowedOrigins: values.origin, maxBodyBytes: Number(values['max-body']), backend: info });
  server.listen(Number(values.port), values.host, () => {
    console.log(`companion on ${info.backend} (${info.adapter}), jobs in ${resolve(values.root)}`);
    console.log(`  http://${values.host}:${values.port}/?token=${token}`);
  });
}

main().catch((err: unknown) => {
  console.error(`companion: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
