import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { packCheckpoint, unpackCheckpoint } from './checkpointBundle.ts';

const checkpoint: Checkpoint = {
  format: 'studio-checkpoint/1',
  specHash: 'abc',
  epoch: 3,
  step: 30,
  rngState: 12345,
  weights: [{ name: 'dense/kernel', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6]) }],
  extraWeights: [{ name: 'centres', shape: [1], data: Float32Array.from([0.25]) }],
  optimizer: { type: 'adam', step: 30, slots: [{ name: 'm', tensors: [{ shape: [2, 3], data: new Float32Array(6).fill(0.5) }] }] } as unknown as Checkpoint['optimizer'],
  classNames: ['a', 'b'],
  time: 1,
};

describe('checkpoint bundles', () => {
  it('round-trip a checkpoint exactly, whatever the manifest length', () => {
    for (const name of ['x', 'xy', 'xyz', 'xyzw']) {
      const ckpt = { ...checkpoint, specHash: name };
      const { manifest, data } = encodeCheckpoint(ckpt);
      const back = unpackCheckpoint(packCheckpoint(manifest, new Uint8Array(data)));
      expect(back.specHash).toBe(name);
      expect(back.weights[0].data).toEqual(ckpt.weights[0].data);
      expect(back.extraWeights[0].data).toEqual(ckpt.extraWeights[0].data);
      expect(back.epoch).toBe(3);
    }
  });

  it('refuses bytes that are not a bundle, or were cut short', () => {
    const { manifest, data } = encodeCheckpoint(checkpoint);
    const bundle = packCheckpoint(manifest, new Uint8Array(data));
    expect(() => unpackCheckpoint(new TextEncoder().encode('{"error":"nope"}'))).toThrow('bad magic number');
    expect(() => unpackCheckpoint(bundle.slice(0, 20))).toThrow('truncated');
    expect(() => unpackCheckpoint(bundle.slice(0, bundle.length - 8))).toThrow('truncated');
  });
});
