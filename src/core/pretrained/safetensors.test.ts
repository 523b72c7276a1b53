import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.ts';

/** A file put together by hand: header length, JSON, data. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('readSafetensors', () => {
  it('reads back what writeSafetensors wrote, with the metadata', () => {
    const bytes = writeSafetensors([
      { name: 'a.weight', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-7, -1e30) },
      { name: 'b', shape: [], data: Float32Array.of(42) },
    ], { format: 'pt' });
    const f = readSafetensors(bytes);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.tensors.get('a.weight')).toEqual({ dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-7, -1e30) });
    expect(f.tensors.get('b')?.data).toEqual(Float32Array.of(42));
    // The header is padded to 8 bytes, as the reference writer does.
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });

  it('widens F16 and BF16 to float32 (values of numpy.float16 and torch.bfloat16)', () => {
    // float16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 2^-24 = 0x0001, inf = 0x7c00.
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]).buffer);
    // bfloat16: 1.0 = 0x3f80, -0.5 = 0xbf00, 3.140625 = 0x4049.
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0xbf00, 0x4049]).buffer);
    const data = new Uint8Array([...half, ...bf]);
    const f = readSafetensors(file({ h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] }, b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] } }, data));
    expect(Array.from(f.tensors.get('h')!.data!)).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    expect(Array.from(f.tensors.get('b')!.data!)).toEqual([1, -0.5, 3.140625]);
  });

  it('keeps integer tensors without values (num_batches_tracked)', () => {
    const f = readSafetensors(file({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Uint8Array(8)));
    expect(f.tensors.get('n')).toEqual({ dtype: 'I64', shape: [], data: undefined });
  });

  it.each([
    ['too short', new Uint8Array(3), /it has 3 bytes, fewer than the 8/],
    ['a header longer than the file', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 100n, true); return b; })(), /header claims 100 bytes but the file ends after 8 \(truncated\?\)/],
    ['a header that is not JSON', file(null, undefined, '{"a": '), /its header is not JSON/],
    ['a header that is an array', file([1, 2]), /its header is not a JSON object/],
    ['an unknown dtype', file({ t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "t" has an unknown dtype "F8"/],
    ['a negative dimension', file({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "t" has a malformed shape \[-1\]/],
    ['offsets that disagree with the shape', file({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8)), /tensor "t" \(F32 \[2\]\) needs 8 bytes, its offsets span 4/],
    ['data past the end', file({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /tensor "t" ends at byte 16 of the data but the file holds 8 \(truncated\?\)/],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /tensors "a" and "b" overlap/],
  ])('refuses %s, saying why', (_, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(message);
  });
});
