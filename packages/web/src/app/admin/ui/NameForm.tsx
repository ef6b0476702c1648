import { useId, useState, type FormEvent } from 'react';
import { checkName, NAME_MAX } from '../data/validation';
import { ErrorNote } from './Notes';
import { useAction } from './useAction';

interface Props {
  /** The field's label, e.g. "New team". */
  label: string;
  /** What the value is, for messages: "Team name" → "Team name is required." */
  noun: string;
  submitLabel: string;
  initial?: string;
  placeholder?: string;
  /** Saves the trimmed name; throw to show the server's refusal under the field. */
  onSubmit: (name: string) => Promise<void>;
  onCancel?: () => void;
  /** Empty the field after a successful save (for "add" forms). */
  resetOnSuccess?: boolean;
  /** Hide the label visually (it stays for screen readers). */
  compact?: boolean;
}

/** One name field with a button: creating and renaming teams and channels. */
export function NameForm(props: Props) {
  const [name, setName] = useState(props.initial ?? '');
  const action = useAction();
  const inputId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(() => props.onSubmit(name.trim()), checkName(props.noun, name));
    if (ok && props.resetOnSuccess === true) setName('');
  };

  return (
    <form className="adm-inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={inputId} className={props.compact === true ? 'adm-visually-hidden' : undefined}>
        {props.label}
      </label>
      <div className="adm-row">
        <input
          id={inputId}
          value={name}
          maxLength={NAME_MAX}
          placeholder={props.placeholder}
          aria-invalid={action.error !== null}
          aria-describedby={action.error !== null ? errorId : undefined}
          onChange={(e) => {
            setName(e.target.value);
            if (action.error !== null) action.clearError();
          }}
        />
        <button type="submit" disabled={action.busy}>
          {props.submitLabel}
        </button>
        {props.onCancel !== undefined && (
          <button type="button" className="adm-link" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      <ErrorNote message={action.error} id={errorId} />
    </form>
  );
}
