import { syntheticSamples, type SyntheticGenerator } from '../core/data/syntheticSource.ts';
import type { DatasetRepo } from '../storage/datasetRepo.ts';
import type { DatasetRecord, StagedSample } from '../storage/storageRecords.ts';
import { encodePng } from './encodePng.ts';
import { THUMB_MAX_SIDE } from './imageProbe.ts';
import { sha256Hex } from './sha256Hex.ts';
import { shrinkImage } from './shrinkImage.ts';

export type DemoDatasetKind = SyntheticGenerator;

export interface DemoDatasetOptions {
  classes?: number;
  perClass?: number;
  imageSize?: number;
  seed?: number;
}

export interface DemoDatasetInfo {
  kind: DemoDatasetKind;
  title: string;
  /** One line for the UI. */
  description: string;
  /** Small enough to train in a minute on SwiftShader or the CPU backend. */
  defaults: Required<DemoDatasetOptions>;
}

/** The generated datasets the studio offers, for the Datasets page's "try a demo". */
export const demoDatasetKinds: readonly DemoDatasetInfo[] = [
  {
    kind: 'shapes',
    title: 'Shapes',
    description: 'One coloured shape per image, a shape per class: a classifier learns it in a minute.',
    defaults: { classes: 3, perClass: 24, imageSize: 32, seed: 1 },
  },
  {
    kind: 'boxes',
    title: 'Boxes',
    description: 'A shape on a cluttered background, with its bounding box: for detection and box heads.',
    defaults: { classes: 2, perClass: 24, imageSize: 48, seed: 1 },
  },
  {
    kind: 'faces',
    title: 'Faces',
    description: 'Synthetic face-like identities in varied poses and light: for embeddings and verification.',
    defaults: { classes: 8, perClass: 6, imageSize: 32, seed: 1 },
  },
  {
    kind: 'faceBoxes',
    title: 'Faces with boxes',
    description: 'A face, or a face-sized object, anywhere on a cluttered background, with its box: for the two-head tracker.',
    defaults: { classes: 2, perClass: 24, imageSize: 64, seed: 1 },
  },
  {
    kind: 'expressions',
    title: 'Expressions',
    description: 'Faces of many people, each wearing one of seven expressions (neutral, happy, surprise, sad, angry, fear, disgust).',
    defaults: { classes: 7, perClass: 12, imageSize: 48, seed: 1 },
  },
];

function demoKind(kind: DemoDatasetKind): DemoDatasetInfo {
  const info = demoDatasetKinds.find((k) => k.kind === kind);
  if (!info) throw new Error(`unknown demo dataset "${String(kind)}" (choose ${demoDatasetKinds.map((k) => k.kind).join(', ')}); nothing was created`);
  return info;
}

/** The settings a demo is generated with: the kind's defaults where `options` leaves one out. */
export function demoSettings(kind: DemoDatasetKind, options: DemoDatasetOptions = {}): Required<DemoDatasetOptions> {
  const d = demoKind(kind).defaults;
  // Field by field, so a form that passes `seed: undefined` still gets the default.
  return { classes: options.classes ?? d.classes, perClass: options.perClass ?? d.perClass, imageSize: options.imageSize ?? d.imageSize, seed: options.seed ?? d.seed };
}

/**
 * The name a demo dataset is stored under, which is also how it is found again: "Shapes
 * (demo)" with the kind's defaults (the name demos always had), the settings spelled out
 * otherwise, so a recipe's larger demo and the Datasets page's small one live side by side.
 */
export function demoDatasetName(kind: DemoDatasetKind, options: DemoDatasetOptions = {}): string {
  const { title, defaults: d } = demoKind(kind);
  const s = demoSettings(kind, options);
  if (s.classes === d.classes && s.perClass === d.perClass && s.imageSize === d.imageSize && s.seed === d.seed) return `${title} (demo)`;
  return `${title} (demo: ${s.classes} × ${s.perClass}, ${s.imageSize} px, seed ${s.seed})`;
}

/**
 * Generates a demo dataset with the core's syntheticSource and stores it as a new dataset
 * named by demoDatasetName ("Shapes (demo)"): PNG images (deterministic bytes, so the same options give
 * the same dataset version on every machine), with the class, identity ('faces') and box
 * ('boxes', 'faceBoxes') the generator drew. If storing fails, nothing of it is left behind.
 */
export async function createDemoDataset(repo: DatasetRepo, kind: DemoDatasetKind, options: DemoDatasetOptions = {}): Promise<DatasetRecord> {
  const settings = demoSettings(kind, options);
  const info = demoKind(kind);
  const staged: StagedSample[] = [];
  let created: DatasetRecord | undefined;
  try {
    for (const { ref, image } of syntheticSamples({ generator: kind, ...settings })) {
      // Drawn one picture at a time, handing the page back between them: the face recipes'
      // 576 pictures at 150 px take seconds to draw, and the page must stay responsive.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const png = encodePng(image);
      const hash = await sha256Hex(png);
      const small = Math.max(image.width, image.height) <= THUMB_MAX_SIDE;
      const thumb = small ? png : encodePng(shrinkImage(image, THUMB_MAX_SIDE));
      await repo.putBlob({ hash, type: 'image/png', bytes: png.buffer, width: image.width, height: image.height }, { hash, type: 'image/png', bytes: thumb.buffer });
      const sample: StagedSample = { id: hash, hash, name: `${ref.id}.png`, className: ref.className, width: image.width, height: image.height };
      if (ref.identity !== undefined) sample.identity = ref.identity;
      if (ref.bbox) sample.bbox = ref.bbox;
      staged.push(sample);
    }
    const { classes, perClass, imageSize, seed } = settings;
    const description = `${info.description} Generated: ${classes} classes × ${perClass} images, ${imageSize} px, seed ${seed}.`;
    created = await repo.create(demoDatasetName(kind, settings), 'demo', description);
    return (await repo.commitSamples(created.id, staged)).dataset;
  } catch (e) {
    try {
      if (created) await repo.delete(created.id);
      await repo.discardStaged(staged.map((s) => s.hash));
    } catch {
      // The error below matters more; unreferenced bytes are swept by the next collectGarbage.
    }
    throw new Error(`creating the ${info.title} demo dataset failed: ${e instanceof Error ? e.message : String(e)}. Nothing was created.`, { cause: e });
  }
}
