import { z } from 'zod';
import { stableHash } from '../util/stableHash.ts';
import type { Box } from './sampleSource.ts';

/**
 * A dataset version as it travels between hosts (studio → companion): every sample's
 * label and the SHA-256 of its encoded bytes, which travel separately and once each.
 * The version is a hash over exactly what training sees (bytes and labels, in id order),
 * the same hash the studio's IndexedDB keeps on its DatasetRecord, so a receiver can
 * recompute it and refuse a manifest whose content does not match its name.
 */
export interface DatasetManifest {
  format: 'studio-dataset/1';
  version: string;
  name: string;
  samples: ManifestSample[];
}

export interface ManifestSample {
  id: string;
  /** SHA-256 of the encoded bytes, lowercase hex. */
  hash: string;
  /** Original file name, for messages and format sniffing. */
  name: string;
  className: string;
  identity?: string;
  bbox?: Box;
}

type VersionedSample = Pick<ManifestSample, 'id' | 'hash' | 'className' | 'identity' | 'bbox'>;

/** The content version of a set of samples: their bytes' hashes and labels in id order; names and times do not count. */
export function datasetVersion(samples: readonly VersionedSample[]): string {
  const sorted = [...samples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return stableHash(sorted.map((s) => [s.hash, s.className, s.identity ?? null, s.bbox ?? null]));
}

const SHA256 = /^[0-9a-f]{64}$/;
const unit = z.number().min(0).max(1);

const manifestSchema = z.object({
  format: z.literal('studio-dataset/1'),
  version: z.string().regex(/^[0-9a-f]{16}$/, { error: 'must be 16 hex digits' }),
  name: z.string().min(1).max(200),
  samples: z
    .array(
      z.object({
        id: z.string().min(1).max(512),
        hash: z.string().regex(SHA256, { error: 'must be a lowercase hex SHA-256 (64 digits)' }),
        name: z.string().min(1).max(512),
        className: z.string().min(1).max(200),
        identity: z.string().min(1).max(200).optional(),
        bbox: z.tuple([unit, unit, unit, unit]).optional(),
      }),
    )
    .min(1, { error: 'a dataset needs at least one sample' }),
});

export type ManifestCheck = { ok: true; manifest: DatasetManifest } | { ok: false; problems: string[] };

/** Validates a received manifest: shape, unique ids, and a version that matches its content. */
export function checkDatasetManifest(value: unknown): ManifestCheck {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`) };
  }
  const manifest = parsed.data as DatasetManifest;
  const seen = new Set<string>();
  const duplicates = manifest.samples.filter((s) => (seen.has(s.id) ? true : (seen.add(s.id), false))).map((s) => s.id);
  if (duplicates.length > 0) return { ok: false, problems: [`sample ids must be unique; repeated: ${duplicates.slice(0, 5).join(', ')}`] };
  const version = datasetVersion(manifest.samples);
  if (version !== manifest.version) {
    return { ok: false, problems: [`version ${manifest.version} does not match the samples it lists (their content hashes to ${version})`] };
  }
  return { ok: true, manifest };
}
