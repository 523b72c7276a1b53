import type { RunSpec } from '../core/spec/runSpec.ts';
import type { WeightRepo } from '../storage/weightRepo.ts';
import type { CompanionClient } from './companionClient.ts';

/**
 * Sends the safetensors file a spec starts from to a companion, as a content-addressed blob
 * named by its SHA-256 (the companion never reads a client's path): only when the companion
 * does not hold it yet, so a second run, or a sweep, sends nothing. Face-api's weights ship
 * with the companion and need no upload; any other source is the companion's to refuse.
 */
export async function uploadWeights(client: Pick<CompanionClient, 'missingBlobs' | 'putBlob'>, weights: Pick<WeightRepo, 'bytes'>, spec: RunSpec): Promise<'sent' | 'held' | 'none'> {
  const w = spec.model.initialWeights;
  if (w?.from !== 'safetensors' || w.sha256 === undefined) return 'none';
  if ((await client.missingBlobs([w.sha256])).length === 0) return 'held';
  const bytes = await weights.bytes(w.sha256);
  if (!bytes) throw new Error(`the weights “${w.path}” (SHA-256 ${w.sha256.slice(0, 12)}…) are not kept in this browser; choose the file again under Initial weights, then send the run`);
  await client.putBlob(w.sha256, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return 'sent';
}
