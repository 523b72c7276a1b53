import { describe, expect, it } from 'vitest';
import { protobufReference as reference } from './fixtures/protobufReference.ts';
import { ProtobufWriter } from './protobufWriter.ts';

// Expected bytes derived by hand from the protobuf encoding guide
// (https://protobuf.dev/programming-guides/encoding/): tag = field << 3 | wire type,
// varints little-endian in 7-bit groups with a continuation bit.
const hex = (w: ProtobufWriter) => Buffer.from(w.finish()).toString('hex');

describe('ProtobufWriter', () => {
  it('writes varints as the encoding guide does', () => {
    // The guide's own example: field 1 = 150 → 08 96 01.
    expect(hex(new ProtobufWriter().varint(1, 150))).toBe('089601');
    // 300 = 0b1_0010_1100 → ac 02; field 2 → tag 0x10.
    expect(hex(new ProtobufWriter().varint(2, 300))).toBe('10ac02');
    // An int64 of -1 is 2^64 - 1: nine 0xff groups and a final 0x01.
    expect(hex(new ProtobufWriter().varint(1, -1))).toBe('08ffffffffffffffffff01');
    // 2^35 needs six groups: 35 = 5·7, so five zero groups with continuation, then 1.
    expect(hex(new ProtobufWriter().varint(1, 2 ** 35))).toBe('08808080808001');
  });

  it('writes strings, nested messages and packed repeated fields length-delimited', () => {
    // The guide's example: field 2 = "testing" → 12 07 74 65 73 74 69 6e 67.
    expect(hex(new ProtobufWriter().string(2, 'testing'))).toBe('120774657374696e67');
    // Field 3 holding a message whose field 1 = 150 → 1a 03 08 96 01.
    expect(hex(new ProtobufWriter().message(3, new ProtobufWriter().varint(1, 150)))).toBe('1a03089601');
    // Packed [3, 270, 86942] in field 4 → 22 06 03 8e 02 9e a7 05 (the guide's example).
    expect(hex(new ProtobufWriter().packedVarints(4, [3, 270, 86942]))).toBe('2206038e029ea705');
  });

  it('writes floats as little-endian fixed32', () => {
    // 1.0f = 0x3f800000; field 2, wire type 5 → tag 0x15.
    expect(hex(new ProtobufWriter().float(2, 1))).toBe('150000803f');
    // Packed [1, -2] in field 7 → 3a 08, then 0000803f 000000c0.
    expect(hex(new ProtobufWriter().packedFloats(7, [1, -2]))).toBe('3a080000803f000000c0');
  });

  it('refuses a non-integer where an integer goes', () => {
    expect(() => new ProtobufWriter().varint(1, 1.5)).toThrow('field 1: 1.5 is not an integer');
  });
});

describe('ProtobufWriter against Google protobuf', () => {
  // Bytes from python3-protobuf serializing the same values (test/reference/export_protobuf.py).
  const cases: Record<string, () => ProtobufWriter> = {
    'int64 1 = 2^53 - 1': () => new ProtobufWriter().varint(1, Number.MAX_SAFE_INTEGER),
    'int64 1 = -1': () => new ProtobufWriter().varint(1, -1),
    'int64 1 = -123456789': () => new ProtobufWriter().varint(1, -123456789),
    'int64 1 = 2^63 - 1': () => new ProtobufWriter().varint(1, 2n ** 63n - 1n),
    'float 2 = -0.1': () => new ProtobufWriter().float(2, -0.1),
    'string 3 = ünïcode': () => new ProtobufWriter().string(3, 'ünïcode'),
    'message 4 { int64 1 = 300 }': () => new ProtobufWriter().message(4, new ProtobufWriter().varint(1, 300)),
    'packed floats 7 = [0.5, -1e-7, 3.4e38, 0]': () => new ProtobufWriter().packedFloats(7, [0.5, -1e-7, 3.4e38, 0]),
    'packed int64 8 = [0, -2, 2^40, 127, 128]': () => new ProtobufWriter().packedVarints(8, [0, -2, 2 ** 40, 127, 128]),
  };
  it.each(Object.keys(reference))('%s', (name) => {
    expect(hex(cases[name]())).toBe(reference[name]);
  });
});
