import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeTfjsWeights, manifestPaths, parseWeightsManifest, type TfjsWeight } from '../core/pretrained/tfjsWeightsManifest.ts';

/**
 * Decodes a tfjs weights manifest (`what` names it in errors) from the shard files beside it
 * in `dir`. A shard path that leaves that folder (`../`, an absolute path, a URL) is refused
 * before anything is read, so a crafted model.json cannot pull another file's bytes in; a
 * missing, malformed or truncated shard is refused naming it.
 */
export async function readManifestShards(dir: string, json: unknown, what: string): Promise<Map<string, TfjsWeight>> {
  const manifest = parseWeightsManifest(json);
  const shards = new Map<string, Uint8Array>();
  for (const p of manifestPaths(manifest)) {
    const path = join(dir, p);
    if (!existsSync(path)) throw new Error(`${what} names the shard ${p}, which is not in ${dir}`);
    shards.set(p, new Uint8Array(await readFile(path)));
  }
  return decodeTfjsWeights(manifest, shards);
}
