import type { RunSpec, SpecProblem } from '../core/spec/runSpec.ts';

/** Keys that name a place on disk (or a URL the server would fetch), wherever they appear in a spec. */
const PATH_KEYS = /^(path|paths|dir|directory|file|filename|url|uri|href)$/i;

/**
 * Fields of a validated spec that would make the companion read a file (or a URL) the
 * client named. A companion reads only what it was sent: uploads named by the hashes it
 * checked and run directories named by job ids. `model.initialWeights` is refused unless it
 * names weights the companion ships itself (face-api's): the others name a path or a URL,
 * and uploads of weights are not taken yet. The data
 * source is checked by jobSourceProblem. Every other field is walked, so a path key a
 * later RunSpec version adds is refused here before any code learns to read it.
 */
export function clientPathProblems(spec: RunSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (spec.model.initialWeights !== undefined && spec.model.initialWeights.from !== 'faceApi') {
    problems.push({
      path: 'model.initialWeights',
      message: `initial weights cannot be sent to the companion yet (got ${JSON.stringify(spec.model.initialWeights).slice(0, 120)}): it never reads a path or URL from a client; train from scratch here, or fine-tune in the studio or the CLI`,
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
