import type { z } from 'zod';

/**
 * What the spec's strict objects say about a key they do not know, in the words a person
 * needs: the nearest valid key ("did you mean `weightDecay`?"), or, for a key that belongs to
 * another kind of the same union (`momentum` on adam), which kinds take it. Spelling slips in
 * optional keys are the ones that would otherwise train silently with a default.
 */
export function unknownKeyProblem(schema: z.ZodType, input: unknown, path: readonly PropertyKey[], key: string): string {
  const here = objectSchemasAt(schema, input, path);
  const valid = [...new Set(here.flatMap((o) => Object.keys(o.chosen.shape)))];
  for (const o of here) {
    const owners = o.others.filter((other) => key in other.shape).map((other) => kindOf(other, o.discriminator));
    if (owners.length > 0) return `unknown key for ${kindOf(o.chosen, o.discriminator)}; \`${key}\` belongs to ${owners.join(', ')}`;
  }
  const nearest = nearestKey(key, valid);
  if (nearest !== undefined) return `unknown key, did you mean \`${nearest}\`?`;
  return `unknown key; valid keys here: ${valid.map((k) => `\`${k}\``).join(', ')}`;
}

/**
 * The valid key closest to `key` in optimal-string-alignment distance (a swapped pair of
 * letters counts once, as a slip of the fingers does), ignoring case, if it is close enough
 * to be what was meant: at most 1 edit for keys up to 4 letters, 2 up to 8, else 3.
 */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  const allowed = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

type ObjectSchema = z.ZodObject;

/** An object schema the input reaches at a path; in a discriminated union, the option its discriminator picked and the rest. */
interface ObjectAt {
  chosen: ObjectSchema;
  others: ObjectSchema[];
  discriminator?: string;
}

function kindOf(option: ObjectSchema, discriminator: string | undefined): string {
  if (discriminator === undefined) return 'another kind';
  const literal = option.shape[discriminator] as z.ZodLiteral | undefined;
  return `${discriminator} "${String(literal?.def.values[0])}"`;
}

/** Strips the wrappers that do not change an object's keys: defaults, optionals, nullables. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType } };
  while ((s.def.type === 'default' || s.def.type === 'optional' || s.def.type === 'nullable' || s.def.type === 'prefault') && s.def.innerType) {
    s = s.def.innerType as typeof s;
  }
  return s;
}

/** The object schemas that apply to the input's value at `path` (more than one only where a union could not pick). */
function objectSchemasAt(schema: z.ZodType, input: unknown, path: readonly PropertyKey[]): ObjectAt[] {
  let current: z.ZodType[] = [schema];
  let value = input;
  const atEnd = (): ObjectAt[] => current.flatMap((s) => objectOptions(s, value));
  for (const step of path) {
    const next: z.ZodType[] = [];
    for (const o of atEnd()) {
      const child = o.chosen.shape[String(step)] as z.ZodType | undefined;
      if (child) next.push(child);
    }
    for (const s of current) {
      const u = unwrapSchema(s) as z.ZodType & { def: { type: string; element?: z.ZodType } };
      if (u.def.type === 'array' && u.def.element) next.push(u.def.element);
    }
    current = next;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[step] : undefined;
  }
  return atEnd();
}

function objectOptions(schema: z.ZodType, value: unknown): ObjectAt[] {
  const s = unwrapSchema(schema) as z.ZodType & { def: { type: string; options?: z.ZodType[]; discriminator?: string } };
  if (s.def.type === 'object') return [{ chosen: s as unknown as ObjectSchema, others: [] }];
  if (s.def.type !== 'union' || !s.def.options) return [];
  const options = s.def.options.map(unwrapSchema).filter((o) => o.def.type === 'object') as unknown as ObjectSchema[];
  const discriminator = s.def.discriminator;
  if (discriminator === undefined) return options.map((chosen) => ({ chosen, others: [] }));
  const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined;
  const chosen = options.find((o) => (o.shape[discriminator] as z.ZodLiteral).def.values.includes(tag as never));
  if (!chosen) return [];
  return [{ chosen, others: options.filter((o) => o !== chosen), discriminator }];
}
