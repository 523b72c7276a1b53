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

  it('takes LFW numbers from the file name, so a gap in them is a missing image, not the next file', () => {
    const numbered = [
      { id: 'c1', identity: 'Cy', fileName: 'people/Cy/Cy_0003.jpg' },
      { id: 'c0', identity: 'Cy', fileName: 'people/Cy/Cy_0001.jpg' },
      { id: 'd0', identity: 'Di', fileName: 'x.png' },
    ];
    const { pairs, problems } = parseLfwPairs('10\t300\nCy\t1\t3\nCy 1 2\nCy 0 Di 1\nCy 3 Di 1\n', numbered);
    expect(pairs).toEqual([
      { a: 1, b: 0, same: 1 },
      { a: 0, b: 2, same: 0 },
    ]);
    expect(problems).toEqual(['line 3: "Cy" has no file numbered 0002 among their 2 images', 'line 4: image numbers start at 1, got 0 for "Cy"']);
  });

  it('is an error when nothing in the file can be used', () => {
    expect(() => parseLfwPairs('10 300\nCy 1 2\n', samples)).toThrow('the pairs file has no usable pair (1 line skipped; first: line 2: no person "Cy"');
    expect(() => parseLfwPairs('', samples)).toThrow('it is empty');
  });
});
