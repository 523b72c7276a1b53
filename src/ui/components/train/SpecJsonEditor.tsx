import { memo, useId, useState } from 'react';
import type { RunSpecInput } from '../../../core/spec/runSpec.ts';

const show = (spec: RunSpecInput) => JSON.stringify(spec, null, 2);

/**
 * The draft as JSON text, in step with the form both ways: a form edit rewrites the text,
 * and text that parses becomes the draft. Text that does not parse stays as typed, with
 * the parser's message, and the form keeps the last spec that did.
 */
export const SpecJsonEditor = memo(function SpecJsonEditor({ spec, onChange }: { spec: RunSpecInput; onChange(spec: RunSpecInput): void }) {
  const id = useId();
  const [text, setText] = useState(() => show(spec));
  const [shown, setShown] = useState(spec);
  const [error, setError] = useState<string>();
  if (spec !== shown) {
    // The draft changed elsewhere (the form, a preset): show it.
    setShown(spec);
    setText(show(spec));
    setError(undefined);
  }

  const edit = (next: string) => {
    setText(next);
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (e) {
      setError(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}. The form keeps the last valid spec.`);
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setError('The spec must be a JSON object ({ ... }). The form keeps the last valid spec.');
      return;
    }
    setError(undefined);
    setShown(parsed as RunSpecInput);
    onChange(parsed as RunSpecInput);
  };

  return (
    <div className="json-editor">
      <label htmlFor={id}>Run spec as JSON</label>
      <textarea
        id={id}
        data-testid="train.json"
        spellCheck={false}
        rows={24}
        value={text}
        aria-invalid={error !== undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => edit(e.target.value)}
      />
      {error && (
        <p className="field-problem" id={`${id}-error`} role="alert" data-testid="train.jsonError">
          {error}
        </p>
      )}
    </div>
  );
});
