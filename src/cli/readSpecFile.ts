import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { validateRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import { UsageError } from './usageError.ts';

/** Reads a spec file, saying plainly whether the file, its JSON or its contents are wrong. */
async function readSpecJson(path: string | undefined): Promise<unknown> {
  if (!path) throw new UsageError('give a spec file, e.g. examples/002-transfer-classification.json');
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export async function readSpecFile(path: string | undefined): Promise<RunSpec> {
  const result = validateRunSpec(await readSpecJson(path));
  if (!result.ok) throw new Error(`${path}: invalid run spec: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return result.spec;
}
