import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompanion, type StartedCompanion } from '../../test/companionFixtures.ts';
import { companionOpenApi } from './companionOpenApi.ts';

// The OpenAPI document is the API as it runs: every operation it lists reaches a handler of the
// router and answers one of the statuses it lists, with and without the token, and a route it
// does not list is unknown to the router.
let companion: StartedCompanion;
beforeAll(async () => {
  companion = await startCompanion(mkdtempSync(join(tmpdir(), 'companion-openapi-')));
});
afterAll(() => companion?.close());

/** A value for each path parameter that names nothing the fresh companion holds. */
const EXAMPLES: Record<string, string> = { sha256: 'a'.repeat(64), version: '0'.repeat(16), id: 'nothing-here', slot: 'last' };
const BODY_METHODS = new Set(['post', 'put']);

const operations = Object.entries(companionOpenApi.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method))
    .map(([method, op]) => ({ path, method, statuses: Object.keys((op as { responses: Record<string, unknown> }).responses).map(Number) })),
);

describe('the companion API matches its OpenAPI document', () => {
  it('serves the document behind the token', async () => {
    const r = await companion.call('/openapi.json');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(JSON.parse(JSON.stringify(companionOpenApi)));
    expect((await companion.call('/openapi.json', {}, null)).status).toBe(401);
    expect(operations.length).toBe(14);
  });

  it.each(operations)('$method $path reaches its handler and answers a documented status', async ({ path, method, statuses }) => {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => EXAMPLES[name]);
    const init: RequestInit = { method: method.toUpperCase(), ...(BODY_METHODS.has(method) ? { body: path.startsWith('/blobs/{') ? new Uint8Array([1, 2, 3]) : '{}' } : {}) };
    const r = await companion.call(url, init);
    const text = await r.text();
    expect(text).not.toContain('no such endpoint');
    expect(statuses, `${method} ${url} answered ${r.status}: ${text.slice(0, 200)}`).toContain(r.status);
    const anonymous = await companion.call(url, init, null);
    expect(anonymous.status).toBe(401);
    expect(statuses).toContain(401);
  });

  it('knows no route the document leaves out', async () => {
    for (const [method, url] of [['GET', '/blobs/' + 'a'.repeat(64)], ['PATCH', '/jobs'], ['GET', '/admin'], ['POST', '/jobs/x/events'], ['GET', '/datasets']] as const) {
      const r = await companion.call(url, { method });
      expect([method, url, r.status]).toEqual([method, url, 404]);
      expect(await r.text()).toContain('no such endpoint');
    }
  });
});
