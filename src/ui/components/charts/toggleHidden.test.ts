import { describe, expect, it } from 'vitest';
import { toggleHidden } from './toggleHidden.ts';

describe('toggleHidden', () => {
  it('hides a shown series and leaves the others as they were', () => {
    expect([...toggleHidden(new Set(['val']), 'train')].sort()).toEqual(['train', 'val']);
  });

  it('shows a hidden series again', () => {
    expect([...toggleHidden(new Set(['train', 'val']), 'train')]).toEqual(['val']);
  });

  it('does not change the set it was given', () => {
    const hidden = new Set(['a']);
    toggleHidden(hidden, 'b');
    expect([...hidden]).toEqual(['a']);
  });
});
