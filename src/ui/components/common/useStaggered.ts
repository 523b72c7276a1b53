import { startTransition, useEffect, useState } from 'react';

/**
 * `value`, handed on `delayMs` later in a task of its own and at transition priority.
 * Charts that redraw on the same data change each take a different delay, so their
 * redraws land in separate short tasks instead of one long one that would stall input.
 */
export function useStaggered<T>(value: T, delayMs: number): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => startTransition(() => setShown(value)), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return shown;
}
