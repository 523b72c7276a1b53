import { ProtobufWriter } from './protobufWriter.ts';

/**
 * ONNX messages (onnx/onnx.proto, IR version 8) built on the protobuf writer. Field
 * numbers are onnx.proto's; only the fields an exported image model uses are written.
 */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number };

export function tensorProto(name: string, dims: number[], data: Float32Array | { int64: number[] }): ProtobufWriter {
  const t = new ProtobufWriter();
  t.packedVarints(1, dims);
  if (data instanceof Float32Array) {
    t.varint(2, ONNX_FLOAT);
    t.string(8, name);
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    t.bytes(9, raw);
  } else {
    t.varint(2, ONNX_INT64);
    t.packedVarints(7, data.int64);
    t.string(8, name);
  }
  return t;
}

/**
 * An attribute, typed by its value: an integer number is INT, a non-integer or
 * `{ float }` FLOAT, a string STRING, a number array INTS, `{ floats }` FLOATS.
 */
function attribute(name: string, value: AttributeValue): ProtobufWriter {
  const a = new ProtobufWriter().string(1, name);
  if (typeof value === 'string') return a.string(4, value).varint(20, 3);
  if (Array.isArray(value)) return a.packedVarints(8, value).varint(20, 7);
  if (typeof value === 'object' && 'floats' in value) return a.packedFloats(7, value.floats).varint(20, 6);
  if (typeof value === 'object') return a.float(2, value.float).varint(20, 1);
  if (Number.isInteger(value)) return a.varint(3, value).varint(20, 2);
  return a.float(2, value).varint(20, 1);
}

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

function nodeProto(n: OnnxNode): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v));
  return w;
}

/** A float tensor value; a string dimension is symbolic (the batch). */
function valueInfo(name: string, dims: (number | string)[]): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const d of dims) shape.message(1, typeof d === 'string' ? new ProtobufWriter().string(2, d) : new ProtobufWriter().varint(1, d));
  const tensorType = new ProtobufWriter().varint(1, ONNX_FLOAT).message(2, shape);
  return new ProtobufWriter().string(1, name).message(2, new ProtobufWriter().message(1, tensorType));
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: ProtobufWriter[];
  inputs: { name: string; dims: (number | string)[] }[];
  outputs: { name: string; dims: (number | string)[] }[];
}

export function modelProto(graph: OnnxGraph, opts: { opset: number; producerVersion: string; metadata: Record<string, string>; docString?: string }): Uint8Array {
  const g = new ProtobufWriter();
  for (const n of graph.nodes) g.message(1, nodeProto(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, valueInfo(i.name, i.dims));
  for (const o of graph.outputs) g.message(12, valueInfo(o.name, o.dims));
  const m = new ProtobufWriter()
    .varint(1, 8)
    .string(2, 'webgpu-training-studio')
    .string(3, opts.producerVersion)
    .message(7, g)
    .message(8, new ProtobufWriter().string(1, '').varint(2, opts.opset));
  if (opts.docString) m.string(6, opts.docString);
  for (const [key, value] of Object.entries(opts.metadata)) m.message(14, new ProtobufWriter().string(1, key).string(2, value));
  return m.finish();
}
