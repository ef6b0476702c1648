import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../auth/ApiError';

export interface ChangePasswordFormProps {
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
}

type Outcome = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done' } | { kind: 'error'; message: string };

/** The person's own password: current one, new one twice. Other devices are signed out by the change. */
export function ChangePasswordForm({ changePassword }: ChangePasswordFormProps) {
  const ids = { current: useId(), next: useId(), repeat: useId() };
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (next !== repeat) {
      setOutcome({ kind: 'error', message: 'The new passwords do not match.' });
      return;
    }
    setOutcome({ kind: 'busy' });
    changePassword(current, next).then(
      () => {
        setCurrent('');
        setNext('');
        setRepeat('');
        setOutcome({ kind: 'done' });
      },
      (error: unknown) =>
        setOutcome({
          kind: 'error',
          message: error instanceof ApiError ? error.message : 'The password could not be changed.',
        }),
    );
  };

  return (
    <form className="settings__group settings__password" aria-label="Change password" onSubmit={submit}>
      <h3 className="settings__subhead">Password</h3>
      <label htmlFor={ids.current}>Current password</label>
      <input
        id={ids.current}
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.currentTarget.value)}
      />
      <label htmlFor={ids.next}>New password</label>
      <input
        id={ids.next}
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={next}
        onChange={(e) => setNext(e.currentTarget.value)}
      />
      <label htmlFor={ids.repeat}>New password again</label>
      <input
        id={ids.repeat}
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(e) => setRepeat(e.currentTarget.value)}
      />
      <p className="settings__hint">
        At least 8 characters and hard to guess: a few unrelated words work well. Your other devices are
        signed out.
      </p>
      <button type="submit" className="button" disabled={outcome.kind === 'busy'}>
        Change password
      </button>
      {outcome.kind === 'done' && (
        <p role="status" className="settings__ok">
          Password changed. Other devices are signed out.
        </p>
      )}
      {outcome.kind === 'error' && (
        <p role="alert" className="settings__error">
          {outcome.message}
        </p>
      )}
    </form>
  );
}
