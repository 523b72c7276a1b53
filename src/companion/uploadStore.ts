import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkDatasetManifest, type DatasetManifest, type ManifestSample } from '../core/data/datasetManifest.ts';
import type { DecodedImage, SampleRef, SampleSource } from '../core/data/sampleSource.ts';
import { samplesById } from '../core/data/samplesById.ts';
import { decodeImageFile } from '../node/decodeImage.ts';
import { isDiskFull, type DiskState } from './diskState.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const VERSION = /^[0-9a-f]{16}$/;

/** Why an upload was refused; the server maps `kind` to its HTTP status. */
export class UploadError extends Error {
  constructor(
    readonly kind: 'invalid' | 'incomplete' | 'missing' | 'tooLarge' | 'diskFull',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Datasets uploaded to the companion, content-addressed at two levels: each image is a
 * blob named by the SHA-256 of its bytes (uploaded once, whichever dataset holds it), and
 * each dataset version is a manifest named by its version hash. An interrupted upload
 * resumes by asking which blobs are still missing. Every file is written under a
 * temporary name and renamed into place only once it is whole and verified, so a broken
 * upload leaves nothing a job could read; names on disk are hashes the server computed or
 * checked, never paths from the client.
 */
export interface UploadStoreOptions {
  /** Told of a write that failed for lack of room (and of the next that succeeded). */
  disk?: DiskState;
  /** Test support: called before each write (a fault-injecting file layer throws from here). */
  beforeWrite?: (path: string) => void;
}

export class UploadStore {
  constructor(
    readonly root: string,
    private readonly options: UploadStoreOptions = {},
  ) {}

  /** Writes through atomicWrite, a full disk reported and answered as one (507). */
  private async write(path: string, data: string | Uint8Array | AsyncIterable<Uint8Array>, check?: () => void): Promise<void> {
    try {
      this.options.beforeWrite?.(path);
      await atomicWrite(path, data, check, join(this.root, 'incoming'));
      this.options.disk?.wrote();
    } catch (err) {
      if (this.options.disk?.failed(err, 'an upload') || isDiskFull(err)) {
        throw new UploadError('diskFull', 'the companion\'s disk is full; nothing was stored (free space on the companion, then upload again)');
      }
      throw err;
    }
  }

  private blobPath(hash: string): string {
    return join(this.root, 'blobs', hash.slice(0, 2), hash);
  }

  private manifestPath(version: string): string {
    return join(this.root, 'datasets', `${version}.json`);
  }

  /** The file holding a blob, or undefined when this store does not hold it (or the hash is not one). */
  blobFile(hash: string): string | undefined {
    return this.hasBlob(hash) ? this.blobPath(hash) : undefined;
  }

  hasBlob(hash: string): boolean {
    return SHA256.test(hash) && existsSync(this.blobPath(hash));
  }

  /**
   * The hashes in `hashes` this store does not hold yet (invalid ones are reported as
   * problems), looked up a thousand at a time without blocking the event loop.
   */
  async missing(hashes: unknown, max = Infinity): Promise<string[]> {
    if (!Array.isArray(hashes) || hashes.some((h) => typeof h !== 'string' || !SHA256.test(h))) {
      throw new UploadError('invalid', 'hashes must be an array of lowercase hex SHA-256 digests (64 digits each)');
    }
    if (hashes.length > max) throw new UploadError('tooLarge', `asked about ${hashes.length} hashes at once; ask about at most ${max} per request`);
    const unique = [...new Set(hashes as string[])];
    const missing: string[] = [];
    for (let i = 0; i < unique.length; i += 1000) {
      const batch = unique.slice(i, i + 1000);
      const held = await Promise.all(batch.map((h) => access(this.blobPath(h)).then(() => true, () => false)));
      batch.forEach((h, k) => held[k] || missing.push(h));
    }
    return missing;
  }

  /** Stores one image's bytes under their hash, after checking that they hash to it; returns whether it was new. */
  async putBlob(hash: string, bytes: Uint8Array): Promise<boolean> {
    if (!SHA256.test(hash)) throw new UploadError('invalid', `"${hash.slice(0, 80)}" is not a lowercase hex SHA-256 (64 digits)`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash) {
      throw new UploadError('invalid', `the ${bytes.length} bytes received hash to ${actual}, not ${hash}: the upload was cut short or changed on the way; nothing was stored`);
    }
    if (this.hasBlob(hash)) return false;
    await this.write(this.blobPath(hash), bytes);
    return true;
  }

  /**
   * Stores one image streamed in: its bytes go to a temporary file and through SHA-256 on
   * the way, so memory holds one chunk at a time whatever the size. More than `limit`
   * bytes, or bytes that do not hash to `hash`, leave nothing behind. Returns whether it was new.
   */
  async putBlobStream(hash: string, body: AsyncIterable<Uint8Array>, limit: number): Promise<boolean> {
    if (!SHA256.test(hash)) throw new UploadError('invalid', `"${hash.slice(0, 80)}" is not a lowercase hex SHA-256 (64 digits)`);
    const digest = createHash('sha256');
    let size = 0;
    async function* hashed(): AsyncIterable<Uint8Array> {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > limit) throw new UploadError('tooLarge', `the upload is over ${limit} bytes, the most this companion accepts; nothing was stored`);
        digest.update(chunk);
        yield chunk;
      }
    }
    if (this.hasBlob(hash)) {
      // Read (and hash) it anyway: the answer must not tell a forged upload from a real one by its timing or status.
      for await (const chunk of hashed()) void chunk;
      if (digest.digest('hex') !== hash) throw new UploadError('invalid', `the ${size} bytes received do not hash to ${hash}; nothing was stored`);
      return false;
    }
    await this.write(this.blobPath(hash), hashed(), () => {
      const actual = digest.digest('hex');
      if (actual !== hash) {
        throw new UploadError('invalid', `the ${size} bytes received hash to ${actual}, not ${hash}: the upload was cut short or changed on the way; nothing was stored`);
      }
    });
    return true;
  }

  /** Stores a dataset version once its manifest checks out and every image it names is here. */
  async putManifest(version: string, value: unknown): Promise<{ manifest: DatasetManifest; created: boolean }> {
    const check = checkDatasetManifest(value);
    if (!check.ok) throw new UploadError('invalid', `the dataset manifest is not valid: ${check.problems.join('; ')}`, { problems: check.problems });
    const { manifest } = check;
    if (manifest.version !== version) throw new UploadError('invalid', `the manifest is version ${manifest.version}, but was sent as ${version}`);
    const missing = await this.missing(manifest.samples.map((s) => s.hash));
    if (missing.length > 0) {
      throw new UploadError('incomplete', `${missing.length} of the dataset's images have not been uploaded yet (first: ${missing[0]}); upload them, then the manifest`, { missing });
    }
    if (existsSync(this.manifestPath(version))) return { manifest, created: false };
    await this.write(this.manifestPath(version), JSON.stringify(manifest));
    return { manifest, created: true };
  }

  hasDataset(version: string): boolean {
    return VERSION.test(version) && existsSync(this.manifestPath(version));
  }

  async manifest(version: string): Promise<DatasetManifest> {
    if (!this.hasDataset(version)) throw new UploadError('missing', `dataset version ${version} has not been uploaded to this companion`);
    return JSON.parse(await readFile(this.manifestPath(version), 'utf8')) as DatasetManifest;
  }

  /** The uploaded dataset as the core's SampleSource. */
  source(version: string): SampleSource {
    return new UploadedSource(this, version);
  }

  readBlob(hash: string): Promise<Buffer> {
    return readFile(this.blobPath(hash));
  }
}

/** An uploaded dataset version, listed in id order (as the studio lists it, so splits match). */
class UploadedSource implements SampleSource {
  private byId = new Map<string, ManifestSample>();
  description: string;

  constructor(
    private readonly store: UploadStore,
    private readonly version: string,
  ) {
    this.description = `uploaded dataset v${version.slice(0, 8)}`;
  }

  async list(): Promise<SampleRef[]> {
    const manifest = await this.store.manifest(this.version);
    this.description = `uploaded dataset '${manifest.name}' (v${this.version.slice(0, 8)})`;
    const { byId, refs } = samplesById(manifest.samples);
    this.byId = byId;
    return refs;
  }

  async read(ref: SampleRef): Promise<DecodedImage> {
    const sample = this.byId.get(ref.id);
    if (!sample) throw new Error(`${this.description} has no sample ${ref.id}`);
    return decodeImageFile(new Uint8Array(await this.store.readBlob(sample.hash)), sample.name);
  }
}

/**
 * Writes `data` under a temporary name and renames it into place once whole and (by
 * `check`, which may throw) verified. The temporary file lives in `tmpDir` (the same
 * disk), so an upload refused halfway leaves not even the folder its name would take.
 */
async function atomicWrite(path: string, data: string | Uint8Array | AsyncIterable<Uint8Array>, check?: () => void, tmpDir = dirname(path)): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = join(tmpDir, `${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await writeFile(tmp, data);
    else await pipeline(Readable.from(data), createWriteStream(tmp));
    check?.();
    await mkdir(dirname(path), { recursive: true });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
