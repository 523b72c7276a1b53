import type { RunSpec, SpecProblem } from '../core/spec/runSpec.ts';

/** Keys that name a place on disk (or a URL the server would fetch), wherever they appear in a spec. */
const PATH_KEYS = /^(path|paths|dir|directory|file|filename|url|uri|href)$/i;

/**
 * Fields of a validated spec that would make the companion read a file (or a URL) the
 * client named. A companion reads only what it was sent: uploads named by the hashes it
 * checked and run directories named by job ids. `model.initialWeights` and the data source
 * are checked by jobWeightsProblem and jobSourceProblem: weights the companion ships
 * (face-api's) or a safetensors upload named by its SHA-256, whose `path` is only a label. Every other field is walked, so a path key a
 * later RunSpec version adds is refused here before any code learns to read it.
 */
export function clientPathProblems(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const weights = spec.model.initialWeights;
  if (weights !== undefined && !(weights.from === 'faceApi' || (weights.from === 'safetensors' && weights.sha256 !== undefined))) {
    problems.push({
      path: 'model.initialWeights',
      message: `names weights by a path or URL (got ${JSON.stringify(weights).slice(0, 120)}), which a companion never reads from a client: upload a safetensors file (PUT /blobs/<sha256>) and name it by its sha256, or use face-api's shipped weights`,
    });
  }
  const walk = (value: unknown, at: string[]): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const path = [...at, key];
      const dotted = path.join('.');
      if (dotted === 'model.initialWeights' || dotted === 'data.source') continue;
      if (PATH_KEYS.test(key) && child !== undefined) {
        problems.push({ path: dotted, message: 'names a file or URL on the companion; a companion reads only uploads it holds, never a path from a client' });
      } else walk(child, path);
    }
  };
  walk(spec, []);
  return problems;
}
