import { describe, expect, it } from 'vitest';
import { MemorySource } from './memorySource.ts';
import type { DecodedImage } from './sampleSource.ts';

const image = (fill: number): DecodedImage => ({ width: 2, height: 1, channels: 1, data: new Uint8Array([fill, fill]) });

describe('MemorySource', () => {
  it('lists refs in the given order and reads each image by id', async () => {
    const source = new MemorySource(
      [
        { ref: { id: 'b', className: 'cat', bbox: [0, 0, 1, 1] }, image: image(1) },
        { ref: { id: 'a', className: 'dog' }, image: image(2) },
      ],
      'two pets',
    );
    expect(source.description).toBe('two pets');
    expect(source.size).toBe(2);
    const refs = await source.list();
    expect(refs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(refs[0].bbox).toEqual([0, 0, 1, 1]);
    expect((await source.read(refs[1])).data[0]).toBe(2);
  });

  it('hands out copies, so editing a listed ref does not change the dataset', async () => {
    const source = new MemorySource([{ ref: { id: 'a', className: 'x', bbox: [0, 0, 0.5, 0.5] }, image: image(0) }]);
    const [ref] = await source.list();
    ref.className = 'changed';
    ref.bbox![0] = 0.25;
    const [again] = await source.list();
    expect(again).toEqual({ id: 'a', className: 'x', bbox: [0, 0, 0.5, 0.5] });
  });

  it('rejects duplicate ids, wrong byte counts and unknown ids with plain messages', async () => {
    expect(() => new MemorySource([{ ref: { id: 'a', className: 'x' }, image: image(0) }, { ref: { id: 'a', className: 'y' }, image: image(0) }])).toThrow(
      /duplicate sample id "a"/,
    );
    expect(() => new MemorySource([{ ref: { id: 'a', className: 'x' }, image: { width: 2, height: 2, channels: 3, data: new Uint8Array(3) } }])).toThrow(
      /has 3 bytes, expected 2x2x3 = 12/,
    );
    const source = new MemorySource([]);
    await expect(source.read({ id: 'nope', className: 'x' })).rejects.toThrow(/no sample with id "nope"/);
  });
});
