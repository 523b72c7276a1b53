import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { BenchPageState, BrowserBenchConfig, BrowserBenchResult } from '../bench/browserBench.ts';
import { chromiumLaunch } from '../node/chromiumLaunch.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/studio-bench', import.meta.url));

export interface ChromiumBenchOptions {
  config: BrowserBenchConfig;
  /** Chromium on the machine's GPU (Vulkan) instead of SwiftShader. */
  hardware: boolean;
  executablePath?: string;
  /** Each progress line the page reports. */
  say: (line: string) => void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The browser half of `studio bench`: builds bench.html alone with the studio's Vite config,
 * serves it on loopback, opens it in headless Chromium with the config in its URL and waits
 * for its result. Vite and Playwright are loaded only here, so the rest of the CLI does not
 * need them.
 */
export async function chromiumBench(options: ChromiumBenchOptions): Promise<BrowserBenchResult> {
  const launch = chromiumLaunch({ hardware: options.hardware, ...(options.executablePath ? { executablePath: options.executablePath } : {}) });
  const { chromium } = await import('@playwright/test');
  const vite = await import('vite');
  options.say('building bench.html');
  await vite.build({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true, rollupOptions: { input: { bench: `${ROOT}/bench.html` } } },
  });
  const port = await freePort();
  const server = await vite.preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  const browser = await chromium.launch(launch);
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.startsWith('[bench] ')) options.say(text.slice('[bench] '.length));
    });
    const crashed = new Promise<never>((_, reject) => page.on('crash', () => reject(new Error('the bench page crashed (out of memory?)'))));
    await page.goto(`http://127.0.0.1:${port}/bench.html?config=${encodeURIComponent(JSON.stringify(options.config))}`);
    const finished = page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { studioBench?: BenchPageState }).studioBench;
        return s && (s.state === 'done' || s.state === 'failed') ? s : undefined;
      },
      undefined,
      { timeout: 0, polling: 1000 },
    );
    const state = (await (await Promise.race([finished, crashed])).jsonValue()) as BenchPageState;
    if (state.state === 'failed' || !state.result) throw new Error(`the bench page failed: ${state.error ?? 'no result'}`);
    return state.result;
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
