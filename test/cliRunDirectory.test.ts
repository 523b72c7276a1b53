import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readEvents, runCli } from './runCli.ts';
import { tinyRunSpec } from './tinyRunSpec.ts';

// Issue 26: `--out` onto an existing run overwrote it (its events.jsonl kept the old
// trainBegin line), a failed run left an empty events.jsonl and no status, and skipped files
// were listed only after training ended.
const work = mkdtempSync(join(tmpdir(), 'studio-rundir-'));
const specFile = join(work, 'tiny.json');
writeFileSync(specFile, JSON.stringify(tinyRunSpec(1)));
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('studio train never clobbers a run directory', () => {
  it('refuses --out onto an existing run, leaving it as it was; --force replaces it with one clean run', async () => {
    const out = join(work, 'run');
    expect((await runCli(['train', specFile, '--out', out])).code).toBe(0);
    const before = readFileSync(join(out, 'events.jsonl'), 'utf8');
    expect(summaryOf(out).status).toBe('completed');

    const again = await runCli(['train', specFile, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`studio train: --out ${out} already holds a run: continue it with --resume ${out}, replace it with --force, or give another directory`);
    expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).toBe(before);

    const forced = await runCli(['train', specFile, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`replacing the run in ${out} (--force)`);
    expect(readEvents(out).filter((e) => e.type === 'trainBegin')).toHaveLength(1);

    const resumeAndForce = await runCli(['train', '--resume', out, '--force']);
    expect(resumeAndForce.code).toBe(2);
  }, 120_000);

  it('refuses a folder of other files even with --force', async () => {
    const out = join(work, 'photos');
    mkdirSync(out);
    writeFileSync(join(out, 'holiday.jpg'), 'not mine to delete');
    const r = await runCli(['train', specFile, '--out', out, '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a folder that holds other files, not a run');
    expect(readFileSync(join(out, 'holiday.jpg'), 'utf8')).toBe('not mine to delete');
  });

  it('leaves a failed run with a summary saying it failed and why', async () => {
    const out = join(work, 'failed');
    const r = await runCli(['train', specFile, '--out', out, '--data', join(work, 'no-such-folder')]);
    expect(r.code).toBe(1);
    expect(summaryOf(out)).toMatchObject({ status: 'failed', message: expect.stringMatching(/no-such-folder: does not exist/) });
  });

  it('reports skipped files before the first epoch, with counts, and keeps them in summary.json', async () => {
    const data = join(work, 'data');
    for (const [cls, value] of [['a', 20], ['b', 120], ['c', 220]] as const) {
      mkdirSync(join(data, cls), { recursive: true });
      for (let i = 0; i < 6; i++) {
        const png = await sharp(new Uint8Array(8 * 8 * 3).map((_, j) => (value + i * 5 + j) & 0xff), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
        writeFileSync(join(data, cls, `${i}.png`), png);
        if (i === 0) writeFileSync(join(data, cls, `${i}-copy.png`), png);
      }
    }
    writeFileSync(join(data, 'a', 'README.md'), '# notes');
    const out = join(work, 'skips');
    const spec = join(work, 'folder.json');
    writeFileSync(spec, JSON.stringify(tinyRunSpec(1, { kind: 'folder', path: data })));
    const r = await runCli(['train', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const counts = lines.indexOf('data: 18 images, 4 files skipped, 3 of them duplicates');
    expect(counts).toBeGreaterThanOrEqual(0);
    expect(lines).toContain('skipped a/0.png: same pixels as a/0-copy.png (kept once)');
    const firstEpoch = lines.findIndex((l) => /epoch 1/i.test(l));
    expect(firstEpoch).toBeGreaterThan(counts);
    const summary = summaryOf(out) as { status: string; data: { images: number; skipped: number; duplicates: number; skippedFiles: { id: string; reason: string }[] } };
    expect(summary.status).toBe('completed');
    expect(summary.data).toMatchObject({ files: 22, images: 18, skipped: 4, duplicates: 3 });
    expect(summary.data.skippedFiles.map((s) => s.id)).toEqual(['a/0.png', 'a/README.md', 'b/0.png', 'c/0.png']);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  }, 120_000);
});
