import { FACE_API_NORMALIZATION } from '../core/models/faceRecognitionNet.ts';
import { identifyTorchArchitecture } from '../core/pretrained/identifyTorchArchitecture.ts';
import type { WeightLoadReport } from '../core/pretrained/importNamedWeights.ts';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import type { RunSpecInput } from '../core/spec/runSpec.ts';
import { sha256Hex } from '../import/sha256Hex.ts';
import type { WeightFileRecord } from '../storage/storageRecords.ts';
import type { WeightRepo } from '../storage/weightRepo.ts';

/** The engine's answer to "what would these weights load into this draft's model?" */
export interface WeightCheck {
  lines: string[];
  report?: WeightLoadReport;
}

/** What a pretrained start needs from the page: the engine's check and the weight cache. */
export interface PretrainedStartDeps {
  check(spec: RunSpecInput, file?: Uint8Array): Promise<WeightCheck>;
  weights(): Promise<Pick<WeightRepo, 'put'>>;
}

/** A draft that starts from pretrained weights, with what loaded and what the draft changed to fit them. */
export interface PretrainedStart {
  spec: RunSpecInput;
  lines: string[];
  report?: WeightLoadReport;
  /** The file as kept in this browser (none for face-api's shipped weights). */
  record?: WeightFileRecord;
  /** What the draft changed besides its initial weights ("preprocessing: ImageNet's mean and std"). */
  changed: string[];
}

type Model = NonNullable<RunSpecInput['model']>;
type Data = NonNullable<RunSpecInput['data']>;

const embeddingArchitectures = /^iresnet/;

/**
 * The preprocessing the weights were trained with, as the CLI's import-weights sets it:
 * torchvision's ImageNet mean and std (RGB), insightface's (x − 0.5) / 0.5 for IResNet,
 * face-api's own means for its face model.
 */
function preprocessingFor(spec: RunSpecInput, faceApi: boolean): { normalization: Data['normalization']; said: string } {
  if (faceApi) return { normalization: FACE_API_NORMALIZATION, said: "face-api's preprocessing (its RGB means, std 1)" };
  if (embeddingArchitectures.test(String(spec.model?.architecture))) return { normalization: { preset: 'half' }, said: "insightface's preprocessing ((x − 0.5) / 0.5, RGB)" };
  return { normalization: { preset: 'imagenet' }, said: "ImageNet's mean and std (RGB), as torchvision's weights expect" };
}

/** The draft with its initial weights, the source's preprocessing, and what else pretrained weights need (width 1, 3 channels, version 2). */
export function draftWithWeights(spec: RunSpecInput, initialWeights: Model['initialWeights']): { spec: RunSpecInput; changed: string[] } {
  const faceApi = initialWeights?.from === 'faceApi';
  const changed: string[] = [];
  const model: Model = { ...(spec.model as Model), initialWeights };
  const data: Data = { ...(spec.data as Data) };
  if (model.width !== undefined && model.width !== 1) {
    changed.push(`width ${model.width} → 1 (the weights are for the full-width network)`);
    model.width = 1;
  }
  if (model.convention !== undefined && model.convention !== 'torchvision') {
    changed.push('convention → torchvision (PyTorch computes its function)');
    delete model.convention;
  }
  if (data.channels !== 3) {
    changed.push('channels → 3 (the weights take RGB)');
    data.channels = 3;
  }
  const pre = preprocessingFor(spec, faceApi);
  if (JSON.stringify(data.normalization) !== JSON.stringify(pre.normalization)) changed.push(`preprocessing → ${pre.said}`);
  data.normalization = pre.normalization;
  const next: RunSpecInput = { ...spec, model, data };
  if (spec.version !== 2) {
    changed.push('spec version → 2');
    next.version = 2;
  }
  return { spec: next, changed };
}

/** The draft without initial weights (random initialization). */
export function draftWithoutWeights(spec: RunSpecInput): RunSpecInput {
  const model: Model = { ...(spec.model as Model) };
  delete model.initialWeights;
  return { ...spec, model };
}

/**
 * A PyTorch safetensors file as the draft's starting point: read (a damaged file is refused
 * whole), checked by the engine against the model the draft builds (a file for another
 * architecture is refused in one sentence), and only then kept in IndexedDB under its
 * SHA-256, which the spec names. A refusal, or a full disk, changes and keeps nothing.
 */
export async function startFromSafetensors(spec: RunSpecInput, bytes: Uint8Array, source: { name: string; url?: string }, deps: PretrainedStartDeps): Promise<PretrainedStart> {
  let holds: string | undefined;
  try {
    holds = identifyTorchArchitecture(readSafetensors(bytes));
  } catch (err) {
    throw new Error(`“${source.name}” is not a safetensors file the studio can read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const sha256 = await sha256Hex(bytes);
  // A file from timm's Hub repositories names its tensors timm's way; the spec says so.
  const naming = holds?.startsWith("timm's") ? 'timm' : 'torchvision';
  const draft = draftWithWeights(spec, { from: 'safetensors', path: source.url ?? source.name, naming, sha256 });
  const { lines, report } = await deps.check(draft.spec, bytes);
  const record = await (await deps.weights()).put(bytes, { ...source, ...(holds ? { holds } : {}) });
  return { spec: draft.spec, lines, ...(report ? { report } : {}), record, changed: draft.changed };
}

/** face-api's shipped weights for the draft's network as its starting point (faceRecognitionNet, faceExpressionNet), checked by the engine. */
export async function startFromFaceApi(spec: RunSpecInput, deps: Pick<PretrainedStartDeps, 'check'>): Promise<PretrainedStart> {
  const draft = draftWithWeights(spec, { from: 'faceApi' });
  const { lines, report } = await deps.check(draft.spec);
  return { spec: draft.spec, lines, ...(report ? { report } : {}), changed: draft.changed };
}

/** A weight file kept before, as the draft's starting point (no download, no file). */
export async function startFromKept(spec: RunSpecInput, record: WeightFileRecord, deps: Pick<PretrainedStartDeps, 'check'>): Promise<PretrainedStart> {
  const draft = draftWithWeights(spec, { from: 'safetensors', path: record.url ?? record.name, naming: record.holds?.startsWith("timm's") ? 'timm' : 'torchvision', sha256: record.sha256 });
  const { lines, report } = await deps.check(draft.spec);
  return { spec: draft.spec, lines, ...(report ? { report } : {}), record, changed: draft.changed };
}
