import { useId, type ReactNode } from 'react';
import type { SpecProblem } from '../../../core/spec/runSpec.ts';
import { getAt } from './specPath.ts';

/** What every field of the run form needs: the draft, a way to change one path, and the validation problems. */
export interface FieldContext {
  spec: unknown;
  set(path: string, value: unknown): void;
  problems: readonly SpecProblem[];
  /**
   * The draft as the schema completes it (its defaults filled in), when it validates: a field
   * the draft leaves out shows the value a run would take, greyed, instead of an empty box.
   */
  defaults?: unknown;
}

/** The default a run takes for a field the draft leaves out, as placeholder text. */
function defaultText(ctx: FieldContext, path: string): string | undefined {
  const value = getAt(ctx.defaults, path);
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}

interface FieldProps {
  ctx: FieldContext;
  path: string;
  label: string;
  /** More paths whose problems belong next to this field (input size also sets data.imageSize). */
  alsoShows?: string[];
  hint?: string;
}

function Problems({ ctx, paths, id }: { ctx: FieldContext; paths: string[]; id: string }) {
  const mine = ctx.problems.filter((p) => paths.includes(p.path));
  if (mine.length === 0) return null;
  return (
    <span className="field-problem" id={id} role="alert">
      {mine.map((p) => p.message).join('; ')}
    </span>
  );
}

function Field({ ctx, path, label, alsoShows = [], hint, children }: FieldProps & { children: (id: string, problemId: string, invalid: boolean) => ReactNode }) {
  const id = useId();
  const paths = [path, ...alsoShows];
  const invalid = ctx.problems.some((p) => paths.includes(p.path));
  return (
    <div className={invalid ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id, `${id}-problem`, invalid)}
      {hint && <span className="field-hint">{hint}</span>}
      <Problems ctx={ctx} paths={paths} id={`${id}-problem`} />
    </div>
  );
}

export function NumberField(props: FieldProps & { step?: number | 'any'; min?: number; max?: number; onValue?: (value: number | undefined) => void }) {
  const { ctx, path, step = 'any', min, max, onValue } = props;
  const value = getAt(ctx.spec, path);
  return (
    <Field {...props}>
      {(id, problemId, invalid) => (
        <input
          id={id}
          type="number"
          step={step}
          min={min}
          max={max}
          data-testid={`train.field.${path}`}
          aria-invalid={invalid}
          aria-describedby={invalid ? problemId : undefined}
          placeholder={defaultText(ctx, path)}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => {
            const next = e.target.value === '' ? undefined : Number(e.target.value);
            if (onValue) onValue(next);
            else ctx.set(path, next);
          }}
        />
      )}
    </Field>
  );
}

export function TextField(props: FieldProps & { parse?: (text: string) => unknown; format?: (value: unknown) => string }) {
  const { ctx, path, parse = (t: string) => t, format = (v: unknown) => (v === undefined ? '' : String(v)) } = props;
  return (
    <Field {...props}>
      {(id, problemId, invalid) => (
        <input
          id={id}
          type="text"
          data-testid={`train.field.${path}`}
          aria-invalid={invalid}
          aria-describedby={invalid ? problemId : undefined}
          placeholder={getAt(ctx.defaults, path) === undefined ? undefined : format(getAt(ctx.defaults, path))}
          value={format(getAt(ctx.spec, path))}
          onChange={(e) => ctx.set(path, parse(e.target.value))}
        />
      )}
    </Field>
  );
}

export function SelectField(props: FieldProps & { options: readonly string[]; onValue?: (value: string) => void }) {
  const { ctx, path, options, onValue } = props;
  const value = getAt(ctx.spec, path);
  return (
    <Field {...props}>
      {(id, problemId, invalid) => (
        <select
          id={id}
          data-testid={`train.field.${path}`}
          aria-invalid={invalid}
          aria-describedby={invalid ? problemId : undefined}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => (onValue ? onValue(e.target.value) : ctx.set(path, e.target.value))}
        >
          {typeof value !== 'string' && <option value="">—</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A switch for an optional section: on writes `whenOn`, off removes the section. */
export function ToggleField({ ctx, path, label, whenOn }: { ctx: FieldContext; path: string; label: string; whenOn: unknown }) {
  const on = getAt(ctx.spec, path) !== undefined;
  return (
    <label className="toggle">
      <input type="checkbox" data-testid={`train.field.${path}`} checked={on} onChange={(e) => ctx.set(path, e.target.checked ? whenOn : undefined)} />
      {label}
    </label>
  );
}
