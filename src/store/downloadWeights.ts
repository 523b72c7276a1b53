/** How far a download has come; `total` from Content-Length, undefined when the server sends none. */
export interface DownloadProgress {
  received: number;
  total?: number;
}

/** https anywhere, plain http only to this machine (a local server, a test). */
export function checkWeightsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`“${text}” is not a URL; give an https address of a .safetensors file`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new Error(`${url.protocol.replace(':', '')} URLs are not fetched: give an https address (plain http only from this machine)`);
  }
  return url;
}

/**
 * Downloads a weight file with progress, checked against its Content-Length: a download cut
 * short, an error status or an unreachable host is refused saying which, and nothing of it
 * is kept (the caller stores only what this returns).
 */
export async function downloadWeights(
  text: string,
  opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal; fetchFn?: typeof fetch } = {},
): Promise<Uint8Array> {
  const url = checkWeightsUrl(text);
  const fetchFn = opts.fetchFn ?? fetch;
  let response: Response;
  try {
    response = await fetchFn(url, opts.signal ? { signal: opts.signal } : {});
  } catch (err) {
    if (opts.signal?.aborted) throw new Error(`the download of ${url.href} was cancelled; nothing was kept`, { cause: err });
    throw new Error(`${url.host} could not be reached (${err instanceof Error ? err.message : String(err)}); nothing was kept. Without network, choose a file you have, or weights this browser kept before`, { cause: err });
  }
  if (!response.ok) throw new Error(`${url.href} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; nothing was kept`);
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  const reader = response.body?.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  opts.onProgress?.({ received, ...(total !== undefined ? { total } : {}) });
  try {
    if (!reader) {
      const all = new Uint8Array(await response.arrayBuffer());
      parts.push(all);
      received = all.byteLength;
    } else {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.byteLength;
        opts.onProgress?.({ received, ...(total !== undefined ? { total } : {}) });
      }
    }
  } catch (err) {
    throw new Error(`the download of ${url.href} broke off after ${received} bytes${total !== undefined ? ` of ${total}` : ''} (${err instanceof Error ? err.message : String(err)}); nothing was kept`, { cause: err });
  }
  if (total !== undefined && received !== total) {
    throw new Error(`the download of ${url.href} ended after ${received} of ${total} bytes; nothing was kept`);
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return bytes;
}
