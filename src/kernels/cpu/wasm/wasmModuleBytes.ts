/**
 * Just enough of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/)
 * to write the studio's few SIMD kernels as code, so no toolchain, build step or binary file
 * is needed: a module of functions (parameters, locals, body) and one exported memory.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...unsigned(contents.length), ...contents];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

/** SIMD instructions: the 0xfd prefix, then the instruction's number. */
const simd = (code: number) => [0xfd, ...unsigned(code)];

/** The instructions the kernels use. Memory ones take an offset; v128 accesses assume 16-byte alignment as a hint only. */
export const op = {
  get: (local: number) => [0x20, ...unsigned(local)],
  set: (local: number) => [0x21, ...unsigned(local)],
  tee: (local: number) => [0x22, ...unsigned(local)],
  i32: (value: number) => [0x41, ...signed(value)],
  f32: (value: number) => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltU: [0x49],
  geU: [0x4f],
  gtS: [0x4a],
  leU: [0x4d],
  /** Of the two values below the condition, the first where it is non-zero. */
  select: [0x1b],
  else: [0x05],
  f32Ne: [0x5c],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  brIf: (depth: number) => [0x0d, ...unsigned(depth)],
  br: (depth: number) => [0x0c, ...unsigned(depth)],
  end: [0x0b],
  load: (offset: number) => [...simd(0x00), 4, ...unsigned(offset)],
  loadSplat: (offset: number) => [...simd(0x09), 2, ...unsigned(offset)],
  store: (offset: number) => [...simd(0x0b), 4, ...unsigned(offset)],
  f32Load: (offset: number) => [0x2a, 2, ...unsigned(offset)],
  f32Store: (offset: number) => [0x38, 2, ...unsigned(offset)],
  f32Add: [0x92],
  i32Load: (offset: number) => [0x28, 2, ...unsigned(offset)],
  i32Store: (offset: number) => [0x36, 2, ...unsigned(offset)],
  /** memory.copy(dst, src, bytes) and memory.fill(dst, byte, bytes): bulk memory, in every engine with SIMD. */
  memoryCopy: [0xfc, ...unsigned(10), 0x00, 0x00],
  memoryFill: [0xfc, ...unsigned(11), 0x00],
  f32x4Splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Ne: simd(0x42),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
};

export interface WasmFunction {
  name: string;
  params: number[];
  /** Locals after the parameters, in this order. */
  locals: number[];
  body: number[];
}

/**
 * A module of `functions` (no results), each exported by name, and one growable memory:
 * its own, exported as `memory`, or — given `sharedMemoryPages`, the most pages it may grow
 * to — a shared memory imported as `env.memory`, which worker threads' instances of the same
 * module import too.
 */
export function wasmModuleBytes(functions: WasmFunction[], sharedMemoryPages?: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector([])]);
  const bodies = functions.map((f) => {
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vector(runs.map(([count, t]) => [...unsigned(count), t])), ...f.body, ...op.end];
    return [...unsigned(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    // Limits: 0x00 minimum only; 0x03 shared, minimum and maximum (a shared memory needs one).
    ...(sharedMemoryPages === undefined ? [] : section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x03, ...unsigned(1), ...unsigned(sharedMemoryPages)]]))),
    ...section(3, vector(functions.map((_, i) => unsigned(i)))),
    ...(sharedMemoryPages === undefined ? section(5, vector([[0x00, ...unsigned(1)]])) : []),
    ...section(7, vector([...functions.map((f, i) => [...name(f.name), 0x00, ...unsigned(i)]), ...(sharedMemoryPages === undefined ? [[...name('memory'), 0x02, ...unsigned(0)]] : [])])),
    ...section(10, vector(bodies)),
  ]);
}
