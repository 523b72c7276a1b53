/**
 * The protobuf wire format, as much of it as an ONNX file needs: varints (int32, int64,
 * enums), length-delimited fields (strings, bytes, nested messages, packed repeated
 * scalars) and fixed32 floats. Fields are written in the order they are added.
 */
export class ProtobufWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private static varintBytes(value: number | bigint): Uint8Array {
    // Negative int64 values are written as their 64-bit two's complement: ten bytes.
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return Uint8Array.from(out);
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.push(ProtobufWriter.varintBytes((field << 3) | wireType));
  }

  /** int32 / int64 / enum / bool. */
  varint(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`field ${field}: ${value} is not an integer`);
    this.tag(field, 0);
    this.push(ProtobufWriter.varintBytes(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.push(ProtobufWriter.varintBytes(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: ProtobufWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** A float as fixed32, little-endian. */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = values.map((v) => ProtobufWriter.varintBytes(v));
    const b = new Uint8Array(inner.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of inner) {
      b.set(x, at);
      at += x.length;
    }
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
