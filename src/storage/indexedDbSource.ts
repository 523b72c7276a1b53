import type { DecodedImage, ImageDecoder, SampleRef, SampleSource } from '../core/data/sampleSource.ts';
import { samplesById } from '../core/data/samplesById.ts';
import type { DatasetRepo } from './datasetRepo.ts';
import type { SampleRecord } from './storageRecords.ts';

/** A stored dataset as the core's SampleSource: what the engine worker trains on. */
export class IndexedDbSource implements SampleSource {
  private label: string;
  private byId = new Map<string, SampleRecord>();

  constructor(
    private readonly repo: DatasetRepo,
    private readonly datasetId: string,
    private readonly decode: ImageDecoder,
    private readonly options: { expectedVersion?: string } = {},
  ) {
    this.label = `dataset ${datasetId}`;
  }

  /** "dataset 'shapes' (v3a9c1f2)" once list() has read the record. */
  get description(): string {
    return this.label;
  }

  /**
   * Samples in id order (the order the version hashes), so the same data always splits
   * the same way. With expectedVersion, refuses data that changed since the run began.
   */
  async list(): Promise<SampleRef[]> {
    const { dataset, samples } = await this.repo.snapshot(this.datasetId);
    this.label = `dataset '${dataset.name}' (v${dataset.version.slice(0, 8)})`;
    const expected = this.options.expectedVersion;
    if (expected !== undefined && expected !== dataset.version) {
      throw new Error(
        `${this.label} changed since the run was created: it was version ${expected}, it is now ${dataset.version}. ` +
          'A resumed run must train on exactly the same images and labels; start a new run on the current data instead.',
      );
    }
    const { byId, refs } = samplesById(samples);
    this.byId = byId;
    return refs;
  }

  async read(ref: SampleRef): Promise<DecodedImage> {
    const sample = this.byId.get(ref.id);
    if (!sample) throw new Error(`${this.label} has no sample ${ref.id} (was list() called, or was it removed since?)`);
    const blob = await this.repo.getBlob(sample.hash);
    if (!blob) {
      throw new Error(
        `${this.label}: the image bytes of sample ${sample.name} (${sample.hash.slice(0, 12)}) are missing from storage; re-import that image`,
      );
    }
    return this.decode(new Uint8Array(blob.bytes), sample.name);
  }
}
