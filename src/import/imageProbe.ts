/** Longest side of a stored thumbnail: what the dataset grid shows without reading full images. */
export const THUMB_MAX_SIDE = 96;

export interface ProbedImage {
  width: number;
  height: number;
  /** Longest side at most THUMB_MAX_SIDE; WebP, PNG, or the original bytes when already that small. */
  thumb: { type: string; bytes: ArrayBuffer };
  /** The core's `pixelHash` of the decoded pixels: the import policy keeps identical pictures once, whatever their format. */
  pixelHash: string;
}

/**
 * Decodes an image to prove it is readable and makes its thumbnail. Rejects with a
 * message naming the problem when the bytes do not decode. `type` is the sniffed MIME
 * type (see sniffImageType); `name` is only for messages. The browser's is browserProbe;
 * Node tests use a sharp-based one.
 */
export type ImageProbe = (bytes: Uint8Array, name: string, type: string) => Promise<ProbedImage>;

/** Thumbnail size for a width x height image: longest side THUMB_MAX_SIDE, aspect kept, never enlarged, at least 1 px. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMB_MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
