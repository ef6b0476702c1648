import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuthSession } from '../auth/AuthSession';

function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

/** E-mail and password sign-in, with the server's refusal shown as it was said. */
export function SignInScreen({ session, message }: { session: AuthSession; message?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    session.signIn(field(data, 'email'), field(data, 'password')).catch((failure: unknown) => {
      setError(failure instanceof Error ? failure.message : 'Sign-in failed.');
      setBusy(false);
    });
  };
  return (
    <main className="signin">
      <form className="signin__card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="signin__brand">
          <span className="topbar__logo" aria-hidden="true" />
          <h1 id="signin-title">Squelch</h1>
        </div>
        <p className="signin__lead">Push-to-talk radio. Sign in to reach your channels.</p>
        {message !== undefined && error === null && <p className="signin__message">{message}</p>}
        {error !== null && (
          <p className="signin__error" role="alert">
            {error}
          </p>
        )}
        <label className="field">
          <span>E-mail</span>
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
