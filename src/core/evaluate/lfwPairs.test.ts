import { describe, expect, it } from 'vitest';
import { parseLfwPairs } from './lfwPairs.ts';

const samples = [
  { id: 's0', identity: 'Ann_Lee', fileName: 'Ann_Lee_0002.jpg' },
  { id: 's1', identity: 'Ann_Lee', fileName: 'Ann_Lee_0001.jpg' },
  { id: 's2', identity: 'Bo', fileName: 'b.png' },
  { id: 's3', identity: 'Bo', fileName: 'a.png' },
];

describe('parseLfwPairs', () => {
  it('reads genuine and impostor lines after a header, by padded file number or file order', () => {
    const text = '1 2\nAnn_Lee 1 2\nAnn_Lee 2 Bo 1\n\nBo 1 2\n';
    expect(parseLfwPairs(text, samples)).toEqual({
      pairs: [
        { a: 1, b: 0, same: 1 },
        { a: 0, b: 3, same: 0 },
        { a: 3, b: 2, same: 1 },
      ],
      problems: [],
    });
  });

  it('lists lines it cannot use with their line numbers and keeps the rest', () => {
    const { pairs, problems } = parseLfwPairs('Ann_Lee 1 2\nCy 1 2\nBo 1 7\nnot a pair line at all\r\n', samples);
    expect(pairs).toHaveLength(1);
    expect(problems).toEqual([
      'line 2: no person "Cy" among the 2 identities evaluated',
      'line 3: "Bo" has 2 images, so there is no image 7',
      'line 4: expected "name i j" or "name1 i name2 j", got "not a pair line at all"',
    ]);
  });

  it('is an error when nothing in the file can be used', () => {
    expect(() => parseLfwPairs('10 300\nCy 1 2\n', samples)).toThrow('the pairs file has no usable pair (1 lines skipped; first: line 2: no person "Cy"');
    expect(() => parseLfwPairs('', samples)).toThrow('it is empty');
  });
});
