import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWeightsUrl, downloadWeights, type DownloadProgress } from './downloadWeights.ts';

const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/timm/resnet18.tv_in1k/resolve/main/model.safetensors') {
      res.writeHead(200, { 'content-length': String(body.length) });
      // In two writes, so progress is seen between them.
      res.write(body.subarray(0, 100_000));
      setTimeout(() => res.end(body.subarray(100_000)), 20);
    } else if (req.url === '/cut') {
      // Promises the whole file, sends half, and hangs up.
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, 100_000), () => res.destroy());
    } else {
      res.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('downloadWeights', () => {
  it('downloads a file under the Hub layout with progress up to its size', async () => {
    const seen: DownloadProgress[] = [];
    const bytes = await downloadWeights(`${base}/timm/resnet18.tv_in1k/resolve/main/model.safetensors`, { onProgress: (p) => seen.push(p) });
    expect(bytes).toEqual(body);
    expect(seen[0]).toEqual({ received: 0, total: body.length });
    expect(seen.at(-1)).toEqual({ received: body.length, total: body.length });
    expect(seen.length).toBeGreaterThan(2);
  });

  it('refuses a download cut short, an error status and an unreachable host, saying nothing was kept', async () => {
    await expect(downloadWeights(`${base}/cut`)).rejects.toThrow(/of 200000 .*nothing was kept/);
    await expect(downloadWeights(`${base}/missing.safetensors`)).rejects.toThrow(`${base}/missing.safetensors answered HTTP 404 Not Found; nothing was kept`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(downloadWeights(`http://127.0.0.1:${port}/w.safetensors`)).rejects.toThrow(`127.0.0.1:${port} could not be reached`);
  });

  it('takes https, and plain http only from this machine', () => {
    expect(checkWeightsUrl(' https://huggingface.co/timm/x/resolve/main/model.safetensors ').host).toBe('huggingface.co');
    expect(checkWeightsUrl('http://localhost:8000/w.safetensors').port).toBe('8000');
    expect(() => checkWeightsUrl('http://example.org/w.safetensors')).toThrow('http URLs are not fetched: give an https address');
    expect(() => checkWeightsUrl('file:///etc/passwd')).toThrow('file URLs are not fetched');
    expect(() => checkWeightsUrl('resnet18.safetensors')).toThrow('“resnet18.safetensors” is not a URL');
  });
});
