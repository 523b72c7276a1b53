import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded weights are kept: STUDIO_CACHE_DIR, else ~/.cache/webgpu-training-studio. */
export function weightsCacheDir(): string {
  return join(process.env.STUDIO_CACHE_DIR ?? join(homedir(), '.cache', 'webgpu-training-studio'), 'weights');
}

export interface WeightsDownloadProgress {
  url: string;
  received: number;
  /** From Content-Length; undefined when the server does not say. */
  total?: number;
}

export interface WeightsFile {
  bytes: Uint8Array;
  /** SHA-256 of the bytes: the file's identity in the cache and in a run's record. */
  sha256: string;
  /** True when a URL was answered from the cache without the network. */
  cached: boolean;
}

interface CacheIndexEntry {
  url: string;
  sha256: string;
  bytes: number;
}

const isUrl = (source: string) => /^https?:\/\//i.test(source);

/**
 * The bytes of a weights file given as a path or an http(s) URL. A URL is downloaded once
 * (progress reported as it comes), checked against its Content-Length, and kept in the cache
 * under its SHA-256 with an index entry for the URL, so the second run and a machine without
 * network read it from disk. A download cut short stores nothing.
 */
export async function readWeightsFile(source: string, opts: { onProgress?: (p: WeightsDownloadProgress) => void; fetchImpl?: typeof fetch } = {}): Promise<WeightsFile> {
  if (!isUrl(source)) {
    if (!existsSync(source)) throw new Error(`no weights file at ${source}`);
    const bytes = new Uint8Array(await readFile(source));
    return { bytes, sha256: sha256(bytes), cached: false };
  }
  const dir = weightsCacheDir();
  const indexPath = join(dir, `url-${sha256(new TextEncoder().encode(source)).slice(0, 32)}.json`);
  if (existsSync(indexPath)) {
    const entry = JSON.parse(await readFile(indexPath, 'utf8')) as CacheIndexEntry;
    const path = join(dir, `${entry.sha256}.safetensors`);
    if (existsSync(path)) {
      const bytes = new Uint8Array(await readFile(path));
      if (bytes.length === entry.bytes && sha256(bytes) === entry.sha256) return { bytes, sha256: entry.sha256, cached: true };
    }
  }
  const bytes = await download(source, opts);
  const hash = sha256(bytes);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${hash}.safetensors`);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    await writeFile(indexPath, JSON.stringify({ url: source, sha256: hash, bytes: bytes.length } satisfies CacheIndexEntry));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { bytes, sha256: hash, cached: false };
}

async function download(url: string, opts: { onProgress?: (p: WeightsDownloadProgress) => void; fetchImpl?: typeof fetch }): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await (opts.fetchImpl ?? fetch)(url);
  } catch (err) {
    throw new Error(`could not download ${url} (${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}); it is not in the cache yet, so this needs the network once`, { cause: err });
  }
  if (!response.ok || !response.body) throw new Error(`could not download ${url}: the server answered ${response.status} ${response.statusText}`);
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      opts.onProgress?.({ url, received, ...(total !== undefined ? { total } : {}) });
    }
  } catch (err) {
    throw new Error(`the download of ${url} broke off after ${received} bytes (${err instanceof Error ? err.message : String(err)}); nothing was kept`, { cause: err });
  }
  if (total !== undefined && received !== total) throw new Error(`the download of ${url} ended after ${received} of ${total} bytes; nothing was kept`);
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
