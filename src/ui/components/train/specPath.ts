/** Reading and immutably writing a draft spec by dotted path ("optimizer.lr"), as the form's fields name them. */

export function getAt(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of `value` with `path` set; `undefined` removes the key (an optional section switched off). */
export function setAt<T>(value: T, path: string, next: unknown): T {
  const [key, ...rest] = path.split('.');
  const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const child = rest.length === 0 ? next : setAt(obj[key], rest.join('.'), next);
  const copy: Record<string, unknown> = { ...obj };
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy as T;
}
