import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANION_TEST_TOKEN, filesUnder, startCompanion, uploadableDataset, type StartedCompanion } from '../../test/companionFixtures.ts';
import { tinyRunSpec } from '../../test/tinyRunSpec.ts';

/**
 * A valid token in hostile hands: well over a hundred bad requests (paths, absurd values,
 * wrong types, nesting, oversized and slow bodies, forged uploads), each answered with the
 * status it deserves and none leaving a file or a job behind. The companion answers
 * /health after every one of them.
 */
let c: StartedCompanion;
let root: string;
let before: string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'companion-hostile-'));
  c = await startCompanion(root, { maxBodyBytes: 16 * 1024, maxUploadBytes: 32 * 1024, requestTimeoutMs: 1000, maxMissingHashes: 50 });
  // A dataset on the companion, so the data-source cases reach the checks past "not uploaded".
  const { manifest, blobs } = uploadableDataset(2);
  for (const [hash, bytes] of blobs) await c.call(`/blobs/${hash}`, { method: 'PUT', body: bytes });
  expect((await c.post(`/datasets/${manifest.version}`, manifest, 'PUT')).status).toBe(201);
  before = filesUnder(root);
});

afterAll(async () => {
  await c.close();
  rmSync(root, { recursive: true, force: true });
});

const spec = tinyRunSpec(1);
const withSpec = (patch: (s: Record<string, unknown>) => void) => {
  const s = structuredClone(spec) as unknown as Record<string, unknown>;
  patch(s);
  return s;
};
const at = (s: Record<string, unknown>, path: string) => path.split('.').filter(Boolean).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, s);
const set = (path: string, value: unknown) =>
  withSpec((s) => {
    const keys = path.split('.');
    at(s, keys.slice(0, -1).join('.') || '')[keys.at(-1) as string] = value;
  });
const hash = (i: number) => i.toString(16).padStart(64, '0');

interface Case {
  what: string;
  method: string;
  path: string;
  /** A JSON value (stringified), a raw string or bytes. */
  body?: unknown;
  raw?: string | Uint8Array<ArrayBuffer>;
  token?: string | null;
  headers?: Record<string, string>;
  status: number;
}

const job = (what: string, body: unknown, status = 400): Case => ({ what, method: 'POST', path: '/jobs', body, status });
const jobSpec = (what: string, s: unknown, status = 400): Case => job(what, { id: 'hostile', spec: s }, status);
const sweep = (what: string, sw: unknown, s: unknown = spec, status = 400): Case => ({ what, method: 'POST', path: '/sweeps', body: { id: 'hs', spec: s, sweep: sw }, status });

const cases: Case[] = [
  // Authentication.
  { what: 'no token', method: 'GET', path: '/jobs', token: null, status: 401 },
  { what: 'wrong token', method: 'GET', path: '/jobs', token: 'x'.repeat(37), status: 401 },
  { what: 'token prefix', method: 'GET', path: '/jobs', token: COMPANION_TEST_TOKEN.slice(0, -1), status: 401 },
  { what: 'token plus a character', method: 'GET', path: '/jobs', token: `${COMPANION_TEST_TOKEN}x`, status: 401 },
  { what: 'empty bearer', method: 'GET', path: '/jobs', token: null, headers: { authorization: 'Bearer ' }, status: 401 },
  { what: 'basic scheme', method: 'GET', path: '/jobs', token: null, headers: { authorization: `Basic ${COMPANION_TEST_TOKEN}` }, status: 401 },
  { what: 'wrong query token', method: 'GET', path: '/jobs?token=nope', token: null, status: 401 },
  { what: 'empty query token', method: 'GET', path: '/jobs?token=', token: null, status: 401 },
  { what: 'no token on a submit', method: 'POST', path: '/jobs', body: { spec }, token: null, status: 401 },
  { what: 'no token on an upload', method: 'PUT', path: `/blobs/${hash(1)}`, raw: 'x', token: null, status: 401 },
  { what: 'foreign origin preflight', method: 'OPTIONS', path: '/jobs', token: null, headers: { origin: 'https://evil.example' }, status: 403 },

  // Paths and traversal in the URL.
  { what: 'job id climbing out', method: 'GET', path: '/jobs/..%2F..%2Fetc%2Fpasswd', status: 404 },
  { what: 'dot-dot job id', method: 'GET', path: '/jobs/%2e%2e', status: 404 },
  { what: 'checkpoint slot climbing out', method: 'GET', path: '/jobs/x/checkpoints/..%2F..%2Fspec.json', status: 404 },
  { what: 'checkpoint of no job', method: 'GET', path: '/jobs/nope/checkpoints/final', status: 404 },
  { what: 'events of no job', method: 'GET', path: '/jobs/nope/events', status: 404 },
  { what: 'cancel of no job', method: 'DELETE', path: '/jobs/nope', status: 404 },
  { what: 'blob named by a path', method: 'PUT', path: '/blobs/..%2F..%2Fjobs.json', raw: 'x', status: 400 },
  { what: 'blob named in upper case', method: 'PUT', path: `/blobs/${'A'.repeat(64)}`, raw: 'x', status: 400 },
  { what: 'blob name 63 digits', method: 'PUT', path: `/blobs/${'a'.repeat(63)}`, raw: 'x', status: 400 },
  { what: 'blob name with a null byte', method: 'PUT', path: `/blobs/${'a'.repeat(63)}%00`, raw: 'x', status: 400 },
  { what: 'dataset named by a path', method: 'GET', path: '/datasets/..%2F..%2Fjobs', status: 404 },
  { what: 'dataset put named by a path', method: 'PUT', path: '/datasets/..%2Fx', body: uploadableDataset(1).manifest, status: 400 },
  { what: 'sweep id climbing out', method: 'GET', path: '/sweeps/..%2F..', status: 404 },
  { what: 'unknown endpoint', method: 'GET', path: '/etc/passwd', status: 404 },
  { what: 'too deep a path', method: 'GET', path: '/jobs/a/b/c/d/e', status: 404 },
  { what: 'PATCH a job', method: 'PATCH', path: '/jobs', body: {}, status: 404 },
  { what: 'DELETE a blob', method: 'DELETE', path: `/blobs/${hash(1)}`, status: 404 },
  { what: 'DELETE all jobs', method: 'DELETE', path: '/jobs', status: 404 },

  // Paths in specs.
  jobSpec('folder /etc', set('data.source', { kind: 'folder', path: '/etc' })),
  jobSpec('folder climbing out', set('data.source', { kind: 'folder', path: '../../..' })),
  jobSpec('folder as a file URL', set('data.source', { kind: 'folder', path: 'file:///etc/passwd' })),
  jobSpec('folder on a Windows drive', set('data.source', { kind: 'folder', path: 'C:\\Windows' })),
  jobSpec('memory source', set('data.source', { kind: 'memory' })),
  jobSpec('tfjs weights at /etc/passwd', set('model.initialWeights', { from: 'tfjs', path: '/etc/passwd' })),
  jobSpec('tfjs weights at a URL', set('model.initialWeights', { from: 'tfjs', path: 'http://169.254.169.254/latest/meta-data' })),
  jobSpec('tfjs weights in an upload, climbing out', set('model.initialWeights', { from: 'tfjs', path: `uploads/blobs/../../../../etc/shadow` })),
  jobSpec('checkpoint of another job', set('model.initialWeights', { from: 'checkpoint', path: 'runs/other' })),
  jobSpec('checkpoint in the home folder', set('model.initialWeights', { from: 'checkpoint', path: '~/.ssh' })),
  jobSpec('unknown weights source', set('model.initialWeights', { from: 'url', url: 'http://x' })),
  jobSpec('an upload not held', set('data.source', { kind: 'indexeddb', datasetId: 'd', version: 'f'.repeat(16) }), 409),
  jobSpec('an upload named by a path', set('data.source', { kind: 'indexeddb', datasetId: 'd', version: '../../jobs' }), 409),
  jobSpec('an upload with no version', set('data.source', { kind: 'indexeddb', datasetId: 'd' }), 409),
  sweep('sweep over weights paths', { kind: 'grid', parameters: [{ path: 'model.initialWeights.path', values: ['/etc/passwd'] }] }, set('model.initialWeights', { from: 'tfjs', path: 'x' })),
  sweep('sweep over folder paths', { kind: 'grid', parameters: [{ path: 'data.source.path', values: ['/etc', '/root'] }] }, set('data.source', { kind: 'folder', path: '/tmp' })),
  sweep('sweep turning the source into a folder', { kind: 'grid', parameters: [{ path: 'data.source.kind', values: ['folder'] }] }),

  // Absurd values.
  jobSpec('epochs -1', set('training.epochs', -1)),
  jobSpec('epochs 0', set('training.epochs', 0)),
  jobSpec('epochs 1.5', set('training.epochs', 1.5)),
  jobSpec('epochs 1e9', set('training.epochs', 1e9)),
  jobSpec('epochs 1e308', set('training.epochs', 1e308)),
  jobSpec('batch 0', set('training.batchSize', 0)),
  jobSpec('batch 1e7', set('training.batchSize', 1e7)),
  jobSpec('lr -1', set('optimizer.lr', -1)),
  jobSpec('lr 0', set('optimizer.lr', 0)),
  jobSpec('perClass 1e9', set('data.source.perClass', 1e9)),
  jobSpec('classes 1e6', set('data.source.classes', 1e6)),
  jobSpec('classes 0', set('data.source.classes', 0)),
  jobSpec('imageSize 1e5', withSpec((s) => ((at(s, 'data').imageSize = 1e5), (at(s, 'model').inputSize = 1e5)))),
  jobSpec('imageSize 0', withSpec((s) => ((at(s, 'data').imageSize = 0), (at(s, 'model').inputSize = 0)))),
  jobSpec('width 1e6', set('model.width', 1e6)),
  jobSpec('width -1', set('model.width', -1)),
  jobSpec('hidden [1e9]', set('model.head', { hidden: [1e9] })),
  jobSpec('hidden [-5]', set('model.head', { hidden: [-5] })),
  jobSpec('a thousand hidden layers', set('model.head', { hidden: Array(1000).fill(2) })),
  jobSpec('dropout 1', set('model.head', { dropout: 1 })),
  jobSpec('a 10 000-character name', set('name', 'n'.repeat(10_000))),
  jobSpec('accumulation 1e6', set('training.gradientAccumulation', 1e6)),
  jobSpec('seed -1', set('training.seed', -1)),
  jobSpec('split over 1', set('data.split', { train: 0.9, val: 0.9, test: 0.9 })),
  jobSpec('clipNorm 0', set('training.clipNorm', 0)),
  jobSpec('unknown architecture', set('model.architecture', 'gpt5')),
  jobSpec('version 99', set('version', 99)),

  // Wrong types.
  job('spec a string', { spec: 'rm -rf /' }),
  job('spec a number', { spec: 42 }),
  job('spec null', { spec: null }),
  job('spec an array', { spec: [spec] }),
  job('no spec', { id: 'x' }),
  job('body an array', [spec]),
  job('body a string', 'spec'),
  job('body null', null),
  job('id a number', { id: 7, spec }),
  job('id an object', { id: { $gt: '' }, spec }),
  job('id 65 characters', { id: 'a'.repeat(65), spec }),
  job('id empty', { id: '', spec }),
  job('id with a slash', { id: 'a/b', spec }),
  job('id with a dot', { id: '..', spec }),
  job('id in Cyrillic', { id: 'јоb', spec }),
  jobSpec('epochs a string', set('training.epochs', '10')),
  jobSpec('epochs null', set('training.epochs', null)),
  jobSpec('epochs an array', set('training.epochs', [10])),
  jobSpec('lr a string', set('optimizer.lr', '0.01')),
  jobSpec('data a string', set('data', 'shapes')),
  jobSpec('hidden an object', set('model.head', { hidden: { 0: 8 } })),
  jobSpec('augmentation a number', set('data.augmentation', 5)),

  // Sweeps.
  sweep('sweep a string', 'grid'),
  sweep('sweep with no parameters', { kind: 'grid', parameters: [] }),
  sweep('sweep of an unknown kind', { kind: 'exhaustive', parameters: [{ path: 'optimizer.lr', values: [1] }] }),
  sweep('sweep over __proto__', { kind: 'grid', parameters: [{ path: '__proto__.polluted', values: [1] }] }),
  sweep('sweep over constructor.prototype', { kind: 'grid', parameters: [{ path: 'constructor.prototype.polluted', values: [1] }] }),
  sweep('sweep of 257 configurations', { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: Array.from({ length: 257 }, (_, i) => 0.001 * (i + 1)) }] }),
  sweep('random sweep of a million trials', { kind: 'random', trials: 1e6, parameters: [{ path: 'optimizer.lr', min: 0.001, max: 0.1 }] }),
  sweep('random sweep without trials', { kind: 'random', parameters: [{ path: 'optimizer.lr', min: 0.001, max: 0.1 }] }),
  sweep('sweep of epochs up to 1e9', { kind: 'grid', parameters: [{ path: 'training.epochs', values: [1, 1e9] }] }),
  sweep('log range from 0', { kind: 'random', trials: 2, parameters: [{ path: 'optimizer.lr', min: 0, max: 1, scale: 'log' }] }),
  { what: 'sweep id climbing out', method: 'POST', path: '/sweeps', body: { id: '../x', spec, sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [1] }] } }, status: 400 },
  { what: 'sweep id 57 characters', method: 'POST', path: '/sweeps', body: { id: 's'.repeat(57), spec, sweep: { kind: 'grid', parameters: [{ path: 'optimizer.lr', values: [1] }] } }, status: 400 },

  // Not JSON, nesting, oversized bodies.
  { what: 'half a JSON object', method: 'POST', path: '/jobs', raw: '{"spec":', status: 400 },
  { what: 'empty body', method: 'POST', path: '/jobs', raw: '', status: 400 },
  { what: 'NaN literal', method: 'POST', path: '/jobs', raw: '{"spec":NaN}', status: 400 },
  { what: 'a JavaScript object', method: 'POST', path: '/jobs', raw: "{spec: {}, id: 'x'}", status: 400 },
  { what: 'binary garbage', method: 'POST', path: '/jobs', raw: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), status: 400 },
  { what: 'nested arrays on /jobs', method: 'POST', path: '/jobs', raw: '['.repeat(5000) + ']'.repeat(5000), status: 400 },
  { what: 'nested objects in a spec', method: 'POST', path: '/jobs', raw: `{"spec":${'{"a":'.repeat(100)}0${'}'.repeat(100)}}`, status: 400 },
  { what: 'nested arrays on /sweeps', method: 'POST', path: '/sweeps', raw: '['.repeat(5000), status: 400 },
  { what: 'nested arrays on a dataset', method: 'PUT', path: `/datasets/${'0'.repeat(16)}`, raw: '['.repeat(5000), status: 400 },
  { what: 'nested arrays on blobs/missing', method: 'POST', path: '/blobs/missing', raw: '['.repeat(1000), status: 400 },
  { what: 'a spec over the body limit', method: 'POST', path: '/jobs', body: { spec, pad: 'x'.repeat(20_000) }, status: 413 },
  { what: 'a sweep over the body limit', method: 'POST', path: '/sweeps', body: { spec, sweep: { kind: 'grid', parameters: [{ path: 'name', values: ['x'.repeat(20_000)] }] } }, status: 413 },
  { what: 'a blob over the upload limit', method: 'PUT', path: `/blobs/${hash(2)}`, raw: new Uint8Array(40 * 1024), status: 413 },
  { what: 'a manifest over the upload limit', method: 'PUT', path: `/datasets/${'0'.repeat(16)}`, raw: JSON.stringify({ pad: 'x'.repeat(40 * 1024) }), status: 413 },
  { what: 'a declared length over the limit', method: 'PUT', path: `/blobs/${hash(3)}`, raw: 'x', headers: { 'content-length': String(1 << 30) }, status: 413 },

  // Uploads.
  { what: 'forged blob bytes', method: 'PUT', path: `/blobs/${hash(4)}`, raw: 'not these bytes', status: 400 },
  { what: 'empty blob under a non-empty hash', method: 'PUT', path: `/blobs/${hash(5)}`, raw: '', status: 400 },
  { what: 'missing with a string', method: 'POST', path: '/blobs/missing', body: { hashes: 'abc' }, status: 400 },
  { what: 'missing with numbers', method: 'POST', path: '/blobs/missing', body: { hashes: [1, 2] }, status: 400 },
  { what: 'missing with paths', method: 'POST', path: '/blobs/missing', body: { hashes: ['../../jobs.json'] }, status: 400 },
  { what: 'missing with upper case', method: 'POST', path: '/blobs/missing', body: { hashes: ['A'.repeat(64)] }, status: 400 },
  { what: 'missing with too many hashes', method: 'POST', path: '/blobs/missing', body: { hashes: Array.from({ length: 51 }, (_, i) => hash(i)) }, status: 413 },
  { what: 'missing with no body', method: 'POST', path: '/blobs/missing', body: null, status: 400 },
  { what: 'manifest not a manifest', method: 'PUT', path: `/datasets/${'0'.repeat(16)}`, body: { samples: 'all' }, status: 400 },
  { what: 'manifest naming images not held', method: 'PUT', path: `/datasets/${uploadableDataset(3, 9).manifest.version}`, body: uploadableDataset(3, 9).manifest, status: 409 },
  { what: 'manifest sent under another version', method: 'PUT', path: `/datasets/${'0'.repeat(16)}`, body: uploadableDataset(1).manifest, status: 400 },
  {
    what: 'manifest with a sample named by a path',
    method: 'PUT',
    path: `/datasets/${'0'.repeat(16)}`,
    body: { ...uploadableDataset(1).manifest, samples: [{ id: 'x', hash: '../../../etc/passwd', name: 'x', className: 'a' }] },
    status: 400,
  },
];

async function send(k: Case): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(k.headers ?? {}) };
  const token = k.token === undefined ? COMPANION_TEST_TOKEN : k.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = k.raw !== undefined ? k.raw : k.body !== undefined ? JSON.stringify(k.body) : undefined;
  if (headers['content-length'] !== undefined) {
    // fetch will not send a length that lies; a raw socket does.
    return new Promise((resolve, reject) => {
      const socket = connect(c.port, '127.0.0.1', () => {
        socket.write(`${k.method} ${k.path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${COMPANION_TEST_TOKEN}\r\ncontent-length: ${headers['content-length']}\r\n\r\n${String(body ?? '')}`);
      });
      let text = '';
      socket.on('data', (d) => {
        text += String(d);
        const status = /^HTTP\/1\.1 (\d+)/.exec(text)?.[1];
        if (status) {
          socket.destroy();
          resolve(new Response(null, { status: Number(status) }));
        }
      });
      socket.on('error', reject);
    });
  }
  return fetch(`${c.base}${k.path}`, { method: k.method, headers, ...(body !== undefined && k.method !== 'GET' ? { body } : {}) });
}

describe('hostile input from a client holding a valid token', () => {
  it(`has at least 100 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases.map((k) => [k.what, k] as const))('%s → the status it deserves, nothing written', async (_what, k) => {
    const res = await send(k);
    expect(res.status).toBe(k.status);
    if (res.status !== 403 && res.status !== 204 && res.headers.get('content-type')?.includes('json')) {
      const answer = (await res.json()) as { error?: unknown };
      expect(typeof answer.error).toBe('string');
    }
    expect(filesUnder(root)).toEqual(before);
    expect(await c.queue.list()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await c.call('/health')).status).toBe(200);
  });

  it('closes a request whose body never finishes (408) and frees its upload slot', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(c.port, '127.0.0.1', () => {
        socket.write(`PUT /blobs/${hash(9)} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${COMPANION_TEST_TOKEN}\r\ncontent-length: 1000\r\n\r\nonly this`);
      });
      let text = '';
      socket.on('data', (d) => (text += String(d)));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // The half-written temporary file goes once the server sees the request end.
    for (let i = 0; i < 100 && filesUnder(root).length !== before.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(filesUnder(root)).toEqual(before);
    const { blobs } = uploadableDataset(1, 5);
    const [h, bytes] = [...blobs][0];
    expect((await c.call(`/blobs/${h}`, { method: 'PUT', body: bytes })).status).toBe(201);
  });
});
