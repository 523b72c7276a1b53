import type { RunBundleImport } from '../storage/runBundleRepo.ts';

/** What an import did, in one sentence for the page: where the run's dataset came from, and whether the run had to become a copy. */
export function describeRunImport(result: RunBundleImport): string {
  const { run, dataset } = result;
  let text = `Imported run '${run.name}'`;
  switch (dataset.kind) {
    case 'added':
      text += ` with its dataset '${dataset.record.name}' (${dataset.record.sampleCount} images)`;
      break;
    case 'existing':
      text += `; its dataset '${dataset.record.name}' was already here, so it was not stored twice`;
      break;
    case 'missing':
      text += `; its dataset '${dataset.name}' is not in this browser, so Try it works but Evaluate does not`;
      break;
    case 'none':
      break;
  }
  if (result.renamedFrom) text += '. This browser already had a run with its id, which was left as it was: the import is a second run beside it';
  return `${text}.`;
}
