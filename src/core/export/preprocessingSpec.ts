import { normalizationParams } from '../data/normalization.ts';
import type { RunSpec } from '../spec/runSpec.ts';

/**
 * Everything needed to feed an exported model as the studio fed it, so predictions made
 * elsewhere match the studio's: written beside every export as preprocessing.json (and
 * inside an ONNX file's metadata).
 */
export interface PreprocessingSpec {
  format: 'studio-preprocessing/1';
  task: 'classification' | 'embedding' | 'detection';
  input: {
    height: number;
    width: number;
    channels: 1 | 3;
    channelOrder: 'RGB' | 'L';
    /** How an image of another size reaches height × width. */
    resize: string;
    /** Pixels are divided by this first (8-bit → [0, 1]). */
    scale: number;
    /** Then (x − mean) / std per channel. */
    mean: number[];
    std: number[];
    layout: { tfjs: 'NHWC'; onnx: 'NCHW' };
  };
  outputs: { name: string; meaning: string }[];
  /** Class names in output order. */
  labels: string[];
  /** The tracker's class-confidence cut (seed 001). */
  confidenceThreshold?: number;
}

const RESIZE =
  'Convert to the channel count (greyscale from RGB by ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B; alpha dropped), ' +
  'then, when the image is at least twice the target size, average-pool by the whole factor floor(min(h, w) / size), ' +
  'then resize bilinearly to size × size (half-pixel centres, no antialiasing, aspect ratio not kept), round to 8 bits.';

/** The preprocessing of a run's spec, with its class names in the order the model outputs them. */
export function preprocessingSpec(spec: RunSpec, classNames: string[]): PreprocessingSpec {
  const { mean, std } = normalizationParams(spec.data.normalization, spec.data.channels);
  const outputs: Record<PreprocessingSpec['task'], { name: string; meaning: string }[]> = {
    classification: [{ name: 'logits', meaning: 'class scores before softmax; softmax gives probabilities in label order' }],
    embedding: [{ name: 'embedding', meaning: 'L2-normalized embedding; compare two images by cosine similarity (their dot product)' }],
    detection: [
      { name: 'class_logits', meaning: 'class scores before softmax, in label order' },
      { name: 'box', meaning: 'one box [x1, y1, x2, y2], each a fraction of the image width or height' },
    ],
  };
  return {
    format: 'studio-preprocessing/1',
    task: spec.task.kind,
    input: {
      height: spec.model.inputSize,
      width: spec.model.inputSize,
      channels: spec.data.channels,
      channelOrder: spec.data.channels === 3 ? 'RGB' : 'L',
      resize: RESIZE,
      scale: 255,
      mean,
      std,
      layout: { tfjs: 'NHWC', onnx: 'NCHW' },
    },
    outputs: outputs[spec.task.kind],
    labels: [...classNames],
    ...(spec.task.kind === 'detection' ? { confidenceThreshold: spec.task.confidenceThreshold } : {}),
  };
}
