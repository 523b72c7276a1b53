/**
 * Least-recently-used cache of loaded values by key, with concurrent loads of one key
 * shared. The Datasets grid keeps a few hundred thumbnails here so scrolling back does
 * not read IndexedDB again, while 10,000 images never sit in memory at once.
 */
export class ThumbCache<V> {
  private readonly values = new Map<string, V>();
  private readonly loading = new Map<string, Promise<V | undefined>>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`a cache needs room for at least one entry, got capacity ${capacity}`);
  }

  get size(): number {
    return this.values.size;
  }

  /** The cached value without loading (marks it recently used), or undefined. */
  peek(key: string): V | undefined {
    const hit = this.values.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.values.delete(key);
      this.values.set(key, hit);
    }
    return hit;
  }

  /** The cached value, or what `load` gives (cached unless undefined); a failed load is not cached, so it can be retried. */
  async get(key: string, load: (key: string) => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.peek(key);
    if (hit !== undefined) return hit;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const started = load(key)
      .then((value) => {
        if (value !== undefined) this.put(key, value);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, started);
    return started;
  }

  clear(): void {
    this.values.clear();
  }

  private put(key: string, value: V): void {
    this.values.delete(key);
    this.values.set(key, value);
    while (this.values.size > this.capacity) {
      const oldest = this.values.keys().next().value as string;
      this.values.delete(oldest);
    }
  }
}
