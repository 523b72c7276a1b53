import { describe, expect, it } from 'vitest';
import { decodeTfjsWeights, parseWeightsManifest } from './tfjsWeightsManifest.ts';

// Expected values are worked by hand from the format tfjs documents for its weights manifest:
// a group's tensors lie one after another in the concatenation of its shards; a uint8
// quantized value q stands for q · scale + min.
const MANIFEST = [
  {
    paths: ['part1.bin', 'part2.bin'],
    weights: [
      { name: 'w', shape: [2, 2], dtype: 'float32' },
      { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
    ],
  },
];

function shards(): Map<string, Uint8Array> {
  const floats = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
  const all = new Uint8Array([...floats, 0, 2, 255]);
  // The shard boundary falls inside the first tensor, as tfjs' writer splits at any byte.
  return new Map([
    ['part1.bin', all.slice(0, 6)],
    ['part2.bin', all.slice(6)],
  ]);
}

describe('tfjs weights manifest', () => {
  it('decodes float32 and uint8-quantized weights across shards', () => {
    const weights = decodeTfjsWeights(parseWeightsManifest(MANIFEST), shards());
    expect([...weights.keys()]).toEqual(['w', 'q']);
    expect(weights.get('w')).toEqual({ shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(weights.get('q')).toEqual({ shape: [3], data: Float32Array.of(-1, 0, 126.5) });
  });

  it('refuses a truncated shard, a missing shard and a foreign file, naming the sizes', () => {
    const manifest = parseWeightsManifest(MANIFEST);
    const cut = shards();
    cut.set('part2.bin', cut.get('part2.bin')!.slice(0, -1));
    expect(() => decodeTfjsWeights(manifest, cut)).toThrow("the shards part1.bin, part2.bin hold 18 bytes where the manifest's 2 weights need 19 (truncated, or another model's file)");
    const missing = shards();
    missing.delete('part2.bin');
    expect(() => decodeTfjsWeights(manifest, missing)).toThrow('the weights manifest needs the shard part2.bin, which was not given');
  });

  it('refuses a malformed manifest and shard paths outside its folder', () => {
    expect(() => parseWeightsManifest({ weights: [] })).toThrow(/^not a tfjs weights manifest: at the top, /);
    expect(() => parseWeightsManifest([{ paths: ['a.bin'], weights: [{ name: 'w', dtype: 'float32' }] }])).toThrow(/^not a tfjs weights manifest: at 0\.weights\.0\.shape, /);
    expect(() => parseWeightsManifest([{ paths: ['a.bin'], weights: [{ name: 'w', shape: [1], dtype: 'string' }] }])).toThrow(/^not a tfjs weights manifest: at 0\.weights\.0\.dtype, /);
    expect(() => parseWeightsManifest([{ paths: ['a.bin'], weights: [{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }] }])).toThrow('not a tfjs weights manifest: q is quantized to uint8 without a scale and a minimum');
    for (const path of ['../secret.bin', '/etc/passwd', 'https://example.com/x.bin', 'sub\\..\\..\\x.bin']) {
      const manifest = parseWeightsManifest([{ paths: [path], weights: [] }]);
      expect(() => decodeTfjsWeights(manifest, new Map([[path, new Uint8Array()]]))).toThrow(`the weights manifest names the shard "${path}", outside its own folder; refused`);
    }
  });
});
