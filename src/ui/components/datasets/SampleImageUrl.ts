import { useEffect, useState } from 'react';
import { useDatasetsStore } from '../../../store/datasetsStore.ts';

/**
 * How long a grid cell must stay mounted before its thumbnail is read from storage. A
 * fast scroll mounts and drops hundreds of cells a second; reading each one's thumbnail
 * (an IndexedDB transaction, a Blob, an object URL, a render) is what made such scrolls
 * stutter, and nobody sees those pictures anyway.
 */
const THUMB_READ_DELAY_MS = 80;

/**
 * An object URL for a stored image (its thumbnail, or the full image), loaded when the
 * component mounts and revoked when it unmounts or the hash changes, so a grid that
 * recycles thousands of cells never leaks URLs. Undefined until loaded.
 */
export function useSampleImageUrl(hash: string | undefined, which: 'thumb' | 'image'): string | undefined {
  const [loaded, setLoaded] = useState<{ hash: string; url: string }>();
  useEffect(() => {
    if (hash === undefined) return;
    let alive = true;
    let url: string | undefined;
    const store = useDatasetsStore.getState();
    const show = (blob: Blob | undefined) => {
      if (!alive || !blob) return;
      url = URL.createObjectURL(blob);
      setLoaded({ hash, url });
    };
    const read = () =>
      (which === 'thumb' ? store.thumb(hash) : store.image(hash))
        .then(show)
        // A missing or unreadable image leaves the cell without a picture; its name and class still show.
        .catch(() => undefined);
    const cached = which === 'thumb' ? store.cachedThumb(hash) : undefined;
    const timer = cached ? undefined : setTimeout(read, which === 'thumb' ? THUMB_READ_DELAY_MS : 0);
    if (cached) queueMicrotask(() => show(cached));
    return () => {
      alive = false;
      clearTimeout(timer);
      if (url) URL.revokeObjectURL(url);
    };
  }, [hash, which]);
  return loaded && loaded.hash === hash ? loaded.url : undefined;
}
