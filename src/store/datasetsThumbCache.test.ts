import { describe, expect, it, vi } from 'vitest';
import { ThumbCache } from './datasetsThumbCache.ts';

describe('ThumbCache', () => {
  it('evicts the least recently used entry beyond its capacity', async () => {
    const cache = new ThumbCache<string>(2);
    const load = vi.fn(async (k: string) => `v-${k}`);
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('a', load); // a is now the most recent; b the oldest
    await cache.get('c', load); // evicts b
    expect(cache.size).toBe(2);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('peeks without loading, and a peek counts as a use', async () => {
    const cache = new ThumbCache<string>(2);
    const load = async (k: string) => k;
    expect(cache.peek('a')).toBeUndefined();
    await cache.get('a', load);
    await cache.get('b', load);
    expect(cache.peek('a')).toBe('a'); // a is now the most recent
    await cache.get('c', load); // evicts b
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')]).toEqual(['a', undefined, 'c']);
  });

  it('shares one load between concurrent requests and does not cache misses or failures', async () => {
    const cache = new ThumbCache<string>(4);
    const load = vi.fn(async (k: string) => (k === 'missing' ? undefined : k));
    await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get('missing', load);
    await cache.get('missing', load);
    expect(load).toHaveBeenCalledTimes(3);
    const failing = vi.fn(async () => {
      throw new Error('disk');
    });
    await expect(cache.get('x', failing)).rejects.toThrow('disk');
    await expect(cache.get('x', failing)).rejects.toThrow('disk');
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('needs room for one entry', () => {
    expect(() => new ThumbCache(0)).toThrow(/at least one entry, got capacity 0/);
  });
});
