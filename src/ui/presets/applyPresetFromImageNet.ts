import { BACKBONE_BLOCKS } from '../../core/models/backboneBlocks.ts';
import type { Architecture, RunSpecInput } from '../../core/spec/runSpec.ts';
import { downloadWeights, type DownloadProgress } from '../../store/downloadWeights.ts';
import { useDatasetsStore } from '../../store/datasetsStore.ts';
import { startFromKept, startFromSafetensors } from '../../store/pretrainedStart.ts';
import { studioStorage } from '../../store/studioStorageHandle.ts';
import { pretrainedCatalog, usableAsIs, type PretrainedEntry } from '../components/models/pretrainedCatalog.ts';
import { pretrainedStartDeps } from '../components/train/pretrainedStartDeps.ts';
import { openPresetDraft, presetSpecFor, type SeedPreset } from './seedPresets.ts';

/**
 * The ImageNet weights a recipe's network can start from in the browser (the catalogue's first
 * file the studio reads as it is), or why there are none to offer. Undefined for networks with
 * no ImageNet weights (the face models start from face-api's shipped weights already).
 */
export function imageNetWeightsFor(architecture: Architecture): { entry: PretrainedEntry } | { unavailable: string } | undefined {
  const entries = (pretrainedCatalog[architecture] ?? []).filter((e) => e.checked !== 'shipped');
  if (entries.length === 0) return undefined;
  const entry = entries.find(usableAsIs);
  if (entry) return { entry };
  const first = entries[0];
  return {
    unavailable: `${architecture}'s ImageNet weights are published only as a PyTorch .pth (${first.title}), which the browser cannot read as it is: save its state_dict as safetensors and choose it under Initial weights. Trained from scratch, this recipe reaches its target on its demo data.`,
  };
}

/**
 * The recipe on pretrained ImageNet weights, as a practitioner fine-tunes a small dataset: the
 * full-width network the weights are for, their preprocessing (draftWithWeights), the backbone
 * frozen whole and augmentation off, so its features are computed once and the head trains in
 * seconds. Returns the draft and what it changed from the recipe.
 */
export function imageNetRecipe(spec: RunSpecInput): { spec: RunSpecInput; changed: string[] } {
  const architecture = spec.model.architecture;
  const blocks = BACKBONE_BLOCKS[architecture].count;
  const changed = [`frozenLayers → ${blocks} (the whole ImageNet backbone: its features are computed once and only the head trains)`];
  const augmentation = spec.data.augmentation ?? {};
  if (Object.keys(augmentation).length > 0) changed.push('augmentation off (cached features need the same image every epoch)');
  const model = { ...spec.model, frozenLayers: blocks };
  delete model.unfreezeAfterEpochs;
  return { spec: { ...spec, name: `${spec.name ?? 'run'}-imagenet`, model, data: { ...spec.data, augmentation: {} } }, changed };
}

/**
 * "Start from ImageNet weights" on a recipe: its demo data as "Use" makes it, the catalogue's
 * file from this browser's weight cache when it was kept before (no network needed), else
 * downloaded with progress; checked by the engine against the model, kept, and made the Train
 * page's draft. A download that fails changes nothing: the caller offers the recipe from scratch.
 */
export async function applyPresetFromImageNet(preset: SeedPreset, opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal } = {}): Promise<string[]> {
  const offer = imageNetWeightsFor(preset.spec.model.architecture);
  if (!offer) throw new Error(`${preset.spec.model.architecture} has no ImageNet weights to start from`);
  if ('unavailable' in offer) throw new Error(offer.unavailable);
  const { entry } = offer;
  const dataset = await useDatasetsStore.getState().ensureDemo(preset.demo, preset.demoOptions);
  const recipe = imageNetRecipe(presetSpecFor(preset, dataset));
  const weights = (await studioStorage()).weights;
  const kept = (await weights.list()).find((r) => r.url === entry.url);
  const start = kept
    ? await startFromKept(recipe.spec, kept, pretrainedStartDeps)
    : await startFromSafetensors(recipe.spec, await downloadWeights(entry.url, opts), { name: entry.title, url: entry.url }, pretrainedStartDeps);
  openPresetDraft(preset, start.spec, dataset.id);
  return [...start.changed, ...recipe.changed];
}
