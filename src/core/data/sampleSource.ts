/**
 * The data contract between hosts and the core. A host (Node folder, browser IndexedDB,
 * the companion's upload store, an in-memory list) lists samples and decodes them; the
 * core never touches files, blobs or the DOM itself.
 */

/** Box as [x1, y1, x2, y2], each normalized to [0, 1] of the image (seed 001's format). */
export type Box = [number, number, number, number];

export interface SampleRef {
  /** Stable id within the source (relative path, content hash, ...). */
  id: string;
  /** Class name: the folder name, or `class` from a per-image JSON label. */
  className: string;
  /** Who the sample shows, for identity-disjoint splits; defaults to className. */
  identity?: string;
  bbox?: Box;
}

/** Decoded pixels, row-major, interleaved channels, 8 bits per channel. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Turns encoded bytes into pixels; `name` is only for error messages and format sniffing. */
export type ImageDecoder = (bytes: Uint8Array, name: string) => Promise<DecodedImage>;

export interface SampleSource {
  /** A human-readable name for messages ("folder data/faces", "dataset 'shapes' v3a9c"). */
  readonly description: string;
  list(): Promise<SampleRef[]>;
  /** Files that `list()` had to skip (no label, not an image), with reasons; filled by list(). */
  readonly badSamples?: BadSample[];
  read(ref: SampleRef): Promise<DecodedImage>;
}

/** A sample that could not be used, and why; the rest of the data still loads. */
export interface BadSample {
  id: string;
  reason: string;
}
