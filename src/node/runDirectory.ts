import type * as tfl from '@tensorflow/tfjs-layers';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportTfjs } from '../core/export/exportTfjs.ts';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointManifest } from '../core/train/checkpoint.ts';
import { eventsUpTo } from '../core/train/eventsUpTo.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';

/** Everything a run writes into its directory: what `clear` removes. */
const RUN_FILES = ['spec.json', 'events.jsonl', 'summary.json', 'checkpoints', 'model', 'import-report.json'] as const;

/**
 * A run on disk, the CLI's and the companion's persistence:
 *   spec.json, events.jsonl, summary.json,
 *   checkpoints/{last,best,epoch-NNNN}/checkpoint.{json,bin},
 *   model/model.json + model/weights.bin (tfjs format).
 * Writes go to a temporary name and are renamed into place, so a crash mid-write never
 * leaves a half checkpoint where a resume would read it.
 */
export class RunDirectory {
  constructor(readonly root: string) {}

  /** What is at the root now: nothing, an empty folder, a run (it has a spec or events), a folder of other things, or a file. */
  async occupancy(): Promise<'none' | 'empty' | 'run' | 'other' | 'file'> {
    let info;
    try {
      info = await stat(this.root);
    } catch {
      return 'none';
    }
    if (!info.isDirectory()) return 'file';
    const names = await readdir(this.root);
    if (names.length === 0) return 'empty';
    return RUN_FILES.some((f) => (f === 'spec.json' || f === 'events.jsonl') && names.includes(f)) ? 'run' : 'other';
  }

  /** Removes what a run writes here (and nothing else), so a new run starts with no line of the old one. */
  async clear(): Promise<void> {
    for (const name of RUN_FILES) await rm(join(this.root, name), { recursive: true, force: true });
  }

  get eventsPath(): string {
    return join(this.root, 'events.jsonl');
  }

  async init(spec: unknown): Promise<void> {
    await mkdir(join(this.root, 'checkpoints'), { recursive: true });
    await atomicWrite(join(this.root, 'spec.json'), JSON.stringify(spec, null, 2) + '\n');
  }

  async readSpec(): Promise<unknown> {
    const path = join(this.root, 'spec.json');
    if (!existsSync(path)) throw new Error(`${this.root} is not a run directory: spec.json is missing`);
    return JSON.parse(await readFile(path, 'utf8'));
  }

  async appendEvent(event: TrainEvent): Promise<void> {
    await appendFile(this.eventsPath, JSON.stringify(event) + '\n');
  }

  async readEvents(): Promise<TrainEvent[]> {
    if (!existsSync(this.eventsPath)) return [];
    const text = await readFile(this.eventsPath, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as TrainEvent];
        } catch {
          // A crash can cut the last line short; everything before it still stands.
          return [];
        }
      });
  }

  /**
   * Drops the events an interrupted run wrote after its last checkpoint, so a resumed
   * run's curve continues from the checkpoint without a duplicated stretch.
   */
  async truncateEventsTo(checkpoint: Pick<Checkpoint, 'epoch' | 'step'>): Promise<void> {
    const kept = eventsUpTo(await this.readEvents(), checkpoint);
    await atomicWrite(this.eventsPath, kept.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  async writeCheckpoint(checkpoint: Checkpoint, name: string): Promise<void> {
    const dir = join(this.root, 'checkpoints', name);
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const { manifest, data } = encodeCheckpoint(checkpoint);
    await writeFile(join(tmp, 'checkpoint.bin'), new Uint8Array(data));
    await writeFile(join(tmp, 'checkpoint.json'), JSON.stringify(manifest));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }

  hasCheckpoint(name = 'last'): boolean {
    return existsSync(join(this.root, 'checkpoints', name, 'checkpoint.json'));
  }

  async readCheckpoint(name = 'last'): Promise<Checkpoint> {
    const dir = join(this.root, 'checkpoints', name);
    if (!this.hasCheckpoint(name)) throw new Error(`no checkpoint "${name}" in ${this.root}`);
    const manifest = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointManifest;
    const bin = await readFile(join(dir, 'checkpoint.bin'));
    return decodeCheckpoint(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  }

  async writeSummary(summary: unknown): Promise<void> {
    await atomicWrite(join(this.root, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }

  /** Saves the model in the tfjs LayersModel format (model.json + weights.bin), as `studio export --format tfjs` writes it. */
  async saveModel(model: tfl.LayersModel, dirName = 'model'): Promise<string> {
    const dir = join(this.root, dirName);
    await mkdir(dir, { recursive: true });
    // model.json last: once it is there, the weights it names are complete.
    const files = (await exportTfjs(model)).sort((a, b) => Number(a.name === 'model.json') - Number(b.name === 'model.json'));
    for (const f of files) await atomicWrite(join(dir, f.name), f.bytes);
    return dir;
  }
}

async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
