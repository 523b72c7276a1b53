import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expandEntries, normalizePath } from './expandEntries.ts';
import { entry } from './testing/importFixtures.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('normalizePath', () => {
  it('uses forward slashes and drops empty, "." and ".." segments', () => {
    expect(normalizePath('\\pets\\cat//./01.jpg')).toBe('pets/cat/01.jpg');
    expect(normalizePath('../../etc/x.png')).toBe('etc/x.png');
  });
});

describe('expandEntries', () => {
  it("puts a zip's members under its name, skips system files silently, and sorts by path", async () => {
    const zip = zipSync({
      'b/2.png': text('two'),
      'a/': new Uint8Array(0),
      'a/1.png': text('one'),
      '__MACOSX/a/._1.png': text('resource fork'),
      'a/.DS_Store': text('finder'),
    });
    const { files, bad } = await expandEntries([entry('z/.hidden.png', 'x'), entry('faces.zip', zip), entry('Thumbs.db', 'x'), entry('cat/3.png', 'three')]);
    expect(bad).toEqual([]);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['cat/3.png', 5],
      ['faces/a/1.png', 3],
      ['faces/b/2.png', 3],
    ]);
    expect(new TextDecoder().decode(await files[1].read())).toBe('one');
    await expect(files[1].read()).rejects.toThrow('faces.zip: member a/1.png was already read');
  });

  it('reports a corrupt, an empty and a hollow zip as one bad file each', async () => {
    const corrupt = zipSync({ 'a/1.png': text('one') }).slice(0, 20);
    const { files, bad } = await expandEntries([entry('bad.zip', corrupt), entry('none.zip', ''), entry('hollow.zip', zipSync({ '.x': text('x') }))]);
    expect(files).toEqual([]);
    expect(bad.map((b) => b.path)).toEqual(['bad.zip', 'none.zip', 'hollow.zip']);
    expect(bad[0].reason).toMatch(/^corrupt or unsupported zip archive \(.+\)$/);
    expect(bad[1].reason).toBe('empty file');
    expect(bad[2].reason).toBe('the zip archive holds no files');
  });
});
