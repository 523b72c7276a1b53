import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

/**
 * The PyTorch engine keeps a checkpoint's training state as JSON + safetensors, never a pickle
 * (a run directory may come from anywhere; torch.load of a pickle runs code). Every optimizer ×
 * schedule the engine builds must come back from it whole: the reference script trains on
 * from the original and from the reloaded copy and compares weights and learning rates.
 */
it('round-trips every optimizer and schedule, and names a damaged state file', () => {
  const out = execFileSync('/usr/bin/python3', ['test/reference/torch_state_roundtrip.py'], { env: { ...process.env, PYTHONPATH: 'python' }, encoding: 'utf8', timeout: 120_000 });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { optimizer?: string; schedule?: string; ok?: boolean; damaged?: string });
  const cases = lines.filter((l) => l.optimizer !== undefined);
  expect(cases).toHaveLength(3 * 8);
  expect(cases.filter((c) => !c.ok)).toEqual([]);
  expect(lines.at(-1)?.damaged).toMatch(/s\.json \(with .*s\.safetensors\) is damaged: KeyError/);
});
