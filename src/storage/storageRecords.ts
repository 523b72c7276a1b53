import type { ManifestSample } from '../core/data/datasetManifest.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import type { CheckpointManifest } from '../core/train/checkpoint.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';

/**
 * The shapes the studio keeps in IndexedDB, and the repositories that read and write
 * them. Everything outside src/storage sees only these types; the object stores, indexes
 * and schema upgrades stay behind `openStudioDb`.
 */

/** Where a dataset came from, shown in the Datasets list. */
export type DatasetOrigin = 'import' | 'demo' | 'merge' | 'webcam' | 'companion';

export interface DatasetRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /**
   * Content version: a stable hash over every sample's (hash, className, identity, bbox),
   * in a canonical order. It changes whenever pixels or labels change; runs record it.
   */
  version: string;
  sampleCount: number;
  classCounts: Record<string, number>;
  /** Samples carrying a bounding box (detection datasets). */
  boxCount: number;
  origin: DatasetOrigin;
  description?: string;
}

/**
 * One image in one dataset: the manifest's fields (id = the content hash, since a dataset
 * holds each image once) plus where and when it is stored. The pixels live once, in the
 * blob store, keyed by `hash`.
 */
export interface SampleRecord extends ManifestSample {
  datasetId: string;
  width: number;
  height: number;
  addedAt: number;
}

/**
 * A pretrained weight file (a PyTorch safetensors state_dict) kept by content: a spec's
 * `initialWeights: {from: "safetensors", sha256}` names it, so a second run, or a classroom
 * without network, reads it here instead of downloading it again.
 */
export interface WeightFileRecord {
  sha256: string;
  /** Bytes in the file. */
  size: number;
  /** The file's name as the user chose it, or the last part of its URL. */
  name: string;
  /** The https URL it was downloaded from; none for a file chosen from disk. */
  url?: string;
  /** What the file holds, as identifyTorchArchitecture reads its names ("torchvision's resnet18"), when recognised. */
  holds?: string;
  addedAt: number;
}

export interface WeightBytesRecord {
  sha256: string;
  bytes: ArrayBuffer;
}

/** Encoded image bytes, shared by every sample (in any dataset) with the same hash. */
export interface BlobRecord {
  hash: string;
  /** MIME type of `bytes` (image/png, image/jpeg, image/webp, image/bmp, image/x-portable-anymap ...). */
  type: string;
  bytes: ArrayBuffer;
  width: number;
  height: number;
}

/** A small preview (longest side 96 px, WebP or PNG) so the grid never reads full images. */
export interface ThumbRecord {
  hash: string;
  type: string;
  bytes: ArrayBuffer;
}

/** What an import stages before committing: the sample without dataset or time. */
export type StagedSample = Omit<SampleRecord, 'datasetId' | 'addedAt'>;

export type RunStatus =
  | 'queued'
  | 'loading'
  | 'running'
  | 'paused'
  | 'completed'
  | 'earlyStopped'
  | 'stopped'
  | 'nonFiniteLoss'
  | 'failed'
  /** The page holding the run went away (reload, crash) before it ended; resumable. */
  | 'interrupted';

export interface RunRecord {
  id: string;
  name: string;
  tags: string[];
  /** The validated spec (defaults filled in). */
  spec: RunSpec;
  specHash: string;
  datasetId?: string;
  datasetName?: string;
  /** The dataset version the run trained on (see DatasetRecord.version). */
  datasetVersion?: string;
  architecture: string;
  status: RunStatus;
  /** Why it ended or failed, in words. */
  message?: string;
  /** What a pretrained start loaded (describeWeightLoadReport's lines), when the spec names initial weights. */
  initialWeightsReport?: string[];
  backend?: string;
  adapter?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** Seconds spent training, summed over every session of the run (pauses excluded). */
  activeSec: number;
  /** Epochs completed and optimizer steps done, from the latest event. */
  epochsDone: number;
  step: number;
  totalSteps?: number;
  /** The latest epoch's metrics (loss, acc, val_loss, val_acc, ...). */
  lastMetrics?: Record<string, number>;
  best?: { epoch: number; monitor: string; value: number };
  /** Metrics on the test split, written when the run ends. */
  test?: Record<string, number>;
  classNames?: string[];
  /** The epoch boundary the run resumes from, when a checkpoint exists. */
  resumeFrom?: { epoch: number; step: number };
  /** Set when a companion trains the run: where, which job, and the last event seq stored here. */
  remote?: { url: string; jobId: string; lastSeq?: number; sweepId?: string; params?: Record<string, number | string | boolean> };
}

/** One emitted event, in emission order within its run. */
export interface EventRecord {
  runId: string;
  seq: number;
  event: TrainEvent;
}

/** last: the newest epoch boundary (what resume reads); best: best on the monitor; final: where the run ended. */
export type CheckpointSlot = 'last' | 'best' | 'final';

export interface CheckpointRecord {
  runId: string;
  slot: CheckpointSlot;
  epoch: number;
  step: number;
  time: number;
  manifest: CheckpointManifest;
  data: ArrayBuffer;
}

/** Usage and quota as the browser reports them (navigator.storage.estimate()). */
export interface StorageEstimate {
  usage: number;
  quota: number;
  persisted: boolean;
}
