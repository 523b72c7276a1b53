import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../src/core/pretrained/safetensors.ts';
import { relativeError } from '../src/core/util/relativeError.ts';
import { runCli } from './runCli.ts';
import { torchReference, type TorchReference } from './torchReference.ts';

// `studio import-weights` and `studio predict` on files PyTorch made
// (test/reference/torchvision_parity.py): the imported model's logits for a picture are
// torchvision's for the same picture, read by PIL and normalized with ImageNet's mean and
// std; a URL is downloaded once (from a local server laid out as the Hugging Face Hub lays
// out timm's repositories) and read from the cache afterwards, offline included; a
// truncated download, a file for another architecture, a file missing a tensor and a cut
// file are each refused in one sentence, with nothing written.

const work = mkdtempSync(join(tmpdir(), 'studio-import-'));
const cache = join(work, 'cache');
process.env.STUDIO_CACHE_DIR = cache;
const HUB_PATH = '/timm/resnet18.tv_in1k/resolve/main/model.safetensors';

let resnet: TorchReference;
let image: string;
let server: Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  const made = await runCli(['make-data', 'shapes', join(work, 'pictures'), '--classes', '1', '--per-class', '1', '--size', '64']);
  expect(made.code, made.stderr).toBe(0);
  image = join(work, 'pictures', readdirSync(join(work, 'pictures'))[0], '0000.png');
  resnet = torchReference({ arch: 'resnet18', size: 64, seed: 3, image });
  const bytes = readFileSync(`${resnet.dir}/weights.safetensors`);
  server = createServer((req, res) => {
    requests++;
    if (req.url === HUB_PATH) {
      res.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
      res.end(bytes);
    } else if (req.url === '/cut/model.safetensors') {
      // Promises the whole file, sends half, hangs up.
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 180_000);

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const logitsOf = (stdout: string) => (JSON.parse(stdout.trim().split('\n')[0]) as { logits: number[]; top: { label: string; p: number }[] });

describe('studio import-weights and studio predict', () => {
  it('turn a PyTorch file into a run whose predictions are torchvision’s', async () => {
    const out = join(work, 'from-file');
    const r = await runCli(['import-weights', `${resnet.dir}/weights.safetensors`, '--arch', 'resnet18', '--input', '64', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('loaded 102 tensors into resnet18');
    const report = JSON.parse(readFileSync(join(out, 'import-report.json'), 'utf8')) as { loaded: unknown[]; fresh: unknown[]; sha256: string };
    expect(report.loaded).toHaveLength(102);
    expect(report.fresh).toEqual([]);
    const spec = JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')) as { version: number; data: { normalization: { preset: string } } };
    expect(spec.version).toBe(2);
    expect(spec.data.normalization.preset).toBe('imagenet');

    const p = await runCli(['predict', out, image, '--json', '--top', '3']);
    expect(p.code, p.stderr).toBe(0);
    const got = logitsOf(p.stdout);
    const want = (JSON.parse(readFileSync(`${resnet.dir}/image.json`, 'utf8')) as { output: number[] }).output;
    expect(got.logits).toHaveLength(1000);
    expect(relativeError(got.logits, want)).toBeLessThan(1e-4);
    expect(got.top[0].label).toBe(`class ${want.indexOf(Math.max(...want))}`);
    expect(got.top).toHaveLength(3);
  }, 120_000);

  it('download a URL once, with progress, then read it from the cache, offline too', async () => {
    const url = `${base}${HUB_PATH}`;
    const first = await runCli(['import-weights', url, '--arch', 'resnet18', '--input', '64', '--out', join(work, 'url-1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/downloading .*model\.safetensors: 44\.\d of 44\.\d MB/);
    expect(requests).toBe(1);
    const second = await runCli(['import-weights', url, '--arch', 'resnet18', '--input', '64', '--out', join(work, 'url-2')]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('from the cache');
    expect(requests).toBe(1);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const offline = await runCli(['import-weights', url, '--arch', 'resnet18', '--input', '64', '--out', join(work, 'url-3')]);
    expect(offline.code, offline.stderr).toBe(0);
    const weightsOf = (run: string) => readFileSync(join(work, run, 'checkpoints', 'final', 'checkpoint.bin'));
    expect(weightsOf('url-3').equals(weightsOf('url-1'))).toBe(true);
    await new Promise<void>((resolve) => server.listen(Number(new URL(base).port), '127.0.0.1', resolve));
  }, 120_000);

  it('refuse a cut download, a file for another architecture, a missing tensor and a cut file, writing nothing', async () => {
    const cases: [string, string[], RegExp][] = [];
    cases.push(['cut download', [`${base}/cut/model.safetensors`], /download of .* (ended after|broke off after) \d+ (of \d+ )?bytes.*nothing was kept/]);
    cases.push(['unreachable host', ['http://127.0.0.1:9/model.safetensors'], /could not download .*needs the network once/]);
    const mobilenet = torchReference({ arch: 'mobilenetV2', size: 64 });
    cases.push(['another architecture', [`${mobilenet.dir}/weights.safetensors`], /these weights are not for resnet18 with torchvision's names: it holds torchvision's mobilenet_v2/]);
    const file = readSafetensors(readFileSync(`${resnet.dir}/weights.safetensors`));
    const kept = [...file.tensors].filter(([name, t]) => name !== 'layer2.0.conv1.weight' && t.data).map(([name, t]) => ({ name, shape: t.shape, data: t.data! }));
    writeFileSync(join(work, 'missing.safetensors'), writeSafetensors(kept));
    cases.push(['a missing tensor', [join(work, 'missing.safetensors')], /does not hold all of resnet18's backbone, so nothing was loaded: layer2\.0\.conv1\.weight is missing/]);
    const bytes = readFileSync(`${resnet.dir}/weights.safetensors`);
    writeFileSync(join(work, 'cut.safetensors'), bytes.subarray(0, bytes.length - 1000));
    cases.push(['a cut file', [join(work, 'cut.safetensors')], /not a usable safetensors file: tensor "fc\.\w+" ends at byte \d+ of the data but the file holds \d+ \(truncated\?\)/]);
    for (const [what, source, message] of cases) {
      const out = join(work, `refused-${what.replace(/ /g, '-')}`);
      const r = await runCli(['import-weights', ...source, '--arch', 'resnet18', '--input', '64', '--out', out]);
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toMatch(message);
      expect(existsSync(out), what).toBe(false);
    }
    expect(readdirSync(join(cache, 'weights')).filter((f) => f.endsWith('.safetensors'))).toHaveLength(1);
  }, 180_000);
});
