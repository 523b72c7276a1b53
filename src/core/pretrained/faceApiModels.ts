import type { Architecture } from '../spec/runSpec.ts';

/** One of face-api.js' networks whose weights the studio ships and can start a zoo model from. */
export interface FaceApiModel {
  /** face-api's file name (`<file>-weights_manifest.json`, `<file>.bin`). */
  file: string;
  /** What face-api calls the network, for sentences. */
  title: string;
}

/**
 * The zoo architectures that are face-api networks: `initialWeights: {from: "faceApi"}` means
 * this file for that architecture, so a spec needs no path and every host (the CLI, the
 * studio, the companion) resolves it offline from the package it ships with.
 */
export const FACE_API_MODELS: Partial<Record<Architecture, FaceApiModel>> = {
  faceRecognitionNet: { file: 'face_recognition_model', title: 'face recognition model' },
  faceExpressionNet: { file: 'face_expression_model', title: 'facial expression model' },
};

/** The face-api network an architecture is, or undefined when face-api has no weights for it. */
export function faceApiModelOf(architecture: Architecture): FaceApiModel | undefined {
  return FACE_API_MODELS[architecture];
}

/** The architectures face-api's weights can start, for messages ("faceRecognitionNet or faceExpressionNet"). */
export function faceApiArchitectures(): string {
  const names = Object.keys(FACE_API_MODELS);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
}
