import { decodeCheckpoint, type Checkpoint, type CheckpointManifest } from './checkpoint.ts';

const MAGIC = 0x314b4353; // "SCK1", little-endian

/**
 * One checkpoint as one byte string (magic, manifest length, manifest JSON, padding to 4,
 * float32 data), so that a checkpoint crosses a network in a single response and its
 * manifest can never be paired with another write's data.
 */
export function packCheckpoint(manifest: CheckpointManifest, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const head = 8 + json.length;
  const start = Math.ceil(head / 4) * 4;
  const out = new Uint8Array(start + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(data, start);
  return out;
}

export function unpackCheckpoint(bytes: Uint8Array): Checkpoint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a studio checkpoint bundle (bad magic number)');
  const length = view.getUint32(4, true);
  if (8 + length > bytes.byteLength) throw new Error(`checkpoint bundle is truncated: its manifest needs ${length} bytes, ${bytes.byteLength - 8} came`);
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as CheckpointManifest;
  const start = Math.ceil((8 + length) / 4) * 4;
  const data = bytes.slice(start).buffer;
  return decodeCheckpoint(manifest, data);
}
