import type { DatasetManifest } from '../core/data/datasetManifest.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import type { CompanionClient } from './companionClient.ts';

export interface UploadProgress {
  /** Images sent so far in this upload, and how many had to be sent (those the companion lacked). */
  sent: number;
  toSend: number;
  /** Images in the dataset, and how many the companion already held. */
  total: number;
  alreadyThere: number;
}

/** How many images travel at once: enough to hide latency, few enough not to swamp the companion. */
const PARALLEL = 4;

/**
 * Sends a stored dataset version to a companion: asks which images (by SHA-256) it lacks,
 * sends only those, then the manifest naming them. Interrupted, it resumes where it
 * stopped, since the companion keeps every whole image it received. Returns the version.
 */
export async function uploadDataset(client: CompanionClient, repo: DatasetRepo, datasetId: string, onProgress?: (p: UploadProgress) => void): Promise<string> {
  const { dataset, samples } = await repo.snapshot(datasetId);
  const manifest: DatasetManifest = {
    format: 'studio-dataset/1',
    version: dataset.version,
    name: dataset.name,
    samples: samples.map((s) => ({
      id: s.id,
      hash: s.hash,
      name: s.name,
      className: s.className,
      ...(s.identity !== undefined ? { identity: s.identity } : {}),
      ...(s.bbox ? { bbox: s.bbox } : {}),
    })),
  };
  const hashes = [...new Set(samples.map((s) => s.hash))];
  const missing = await client.missingBlobs(hashes);
  const progress: UploadProgress = { sent: 0, toSend: missing.length, total: hashes.length, alreadyThere: hashes.length - missing.length };
  onProgress?.({ ...progress });
  let next = 0;
  const lane = async () => {
    while (next < missing.length) {
      const hash = missing[next++];
      const blob = await repo.getBlob(hash);
      if (!blob) throw new Error(`dataset '${dataset.name}': the bytes of image ${hash.slice(0, 12)} are missing from this browser's storage; re-import it (nothing was trained)`);
      await client.putBlob(hash, blob.bytes);
      progress.sent++;
      onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, missing.length) }, lane));
  await client.putDataset(manifest);
  return dataset.version;
}
