import { describe, expect, it } from 'vitest';
import type { ImportFile } from './expandEntries.ts';
import { commonRootDepth, planImport } from './planImport.ts';

const file = (path: string, text = ''): ImportFile => {
  const bytes = new TextEncoder().encode(text);
  return { path, size: bytes.length, read: async () => bytes };
};

describe('commonRootDepth', () => {
  it('drops the folder a picker wraps around the class folders, repeatedly for a zip of a folder', () => {
    expect(commonRootDepth(['pets/cat/01.jpg', 'pets/dog/02.jpg'])).toBe(1);
    expect(commonRootDepth(['faces/faces/a/1.png', 'faces/faces/b/2.png'])).toBe(2);
    expect(commonRootDepth(['cat/01.jpg', 'dog/02.jpg'])).toBe(0);
  });

  it('keeps a shared folder whose removal would leave no file in a folder (one class folder dropped)', () => {
    expect(commonRootDepth(['cat/01.jpg', 'cat/02.jpg'])).toBe(0);
    expect(commonRootDepth(['pets/cat/01.jpg', 'pets/cat/02.jpg'])).toBe(1);
    expect(commonRootDepth(['a.png'])).toBe(0);
    expect(commonRootDepth([])).toBe(0);
  });
});

describe('planImport', () => {
  it('takes classes from folders below the root, JSON labels over folders, and the default for loose images', async () => {
    const plan = await planImport(
      [
        file('pets/cat/01.jpg'),
        file('pets/cat/01.JSON', '{"class": "lion", "bbox": [0.1, 0.2, 0.5, 0.6]}'),
        file('pets/dog/02.jpg'),
        file('pets/loose.png'),
        file('pets/orphan.json', '{"class": "x"}'),
      ],
      'misc',
    );
    expect(plan.images.map((j) => [j.name, j.label])).toEqual([
      ['cat/01.jpg', { className: 'lion', bbox: [0.1, 0.2, 0.5, 0.6] }],
      ['dog/02.jpg', { className: 'dog' }],
      ['loose.png', { className: 'misc' }],
    ]);
    expect(plan.labelCount).toBe(2);
    expect(plan.bad).toEqual([{ path: 'pets/orphan.json', reason: 'label with no image (no image of the same name beside it)' }]);
  });

  it("gives an image with an unreadable label the parser's message, and a loose image without a default no class", async () => {
    const plan = await planImport([file('a/x.png'), file('a/x.json', '{"bbox": [0, 0, 1, 1]}'), file('b/y.png'), file('z.png')], undefined);
    expect(plan.images.map((j) => j.label)).toEqual([
      { problem: 'a/x.json: missing "class"' },
      { className: 'b' },
      { problem: 'no class: put it in a folder named after its class, or add a JSON label' },
    ]);
  });
});
