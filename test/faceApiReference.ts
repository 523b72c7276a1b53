import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticSource, type SyntheticGenerator } from '../src/core/data/syntheticSource.ts';
import { Rng } from '../src/core/util/rng.ts';

/**
 * Test support only: the RGB bytes both sides of a face-api parity test see — the
 * generated pictures (classes × perClass, seed 5) at `size` px, then one image of uniform
 * noise (seed 9) — as [image, y, x, channel].
 */
export async function parityImages(generator: SyntheticGenerator, classes: number, perClass: number, size: number): Promise<Uint8Array> {
  const source = syntheticSource({ generator, classes, perClass, imageSize: size, seed: 5 });
  const refs = await source.list();
  const pixels = new Uint8Array((refs.length + 1) * size * size * 3);
  for (const [i, ref] of refs.entries()) {
    const img = await source.read(ref);
    for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) pixels[(i * size * size + p) * 3 + c] = img.data[p * img.channels + c];
  }
  const rng = new Rng(9);
  for (let k = refs.length * size * size * 3; k < pixels.length; k++) pixels[k] = Math.floor(rng.next() * 256);
  return pixels;
}

/**
 * face-api's own output for `pixels` (`count` RGB images of size × size), computed by
 * test/reference/faceApiDescriptors.mjs in a process of its own: the face recognition
 * descriptors, or the expression network's pooled features. `dir` holds the files between.
 */
export function faceApiReference(pkg: string, dir: string, pixels: Uint8Array, count: number, size: number, network: 'recognition' | 'expression' = 'recognition'): Float32Array {
  writeFileSync(join(dir, 'images.u8'), pixels);
  execFileSync(process.execPath, ['test/reference/faceApiDescriptors.mjs', pkg, join(dir, 'images.u8'), String(count), String(size), join(dir, 'out.f32'), network], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  const b = readFileSync(join(dir, 'out.f32'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
