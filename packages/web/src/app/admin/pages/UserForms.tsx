import { useId, useState, type FormEvent } from 'react';
import { useAdmin } from '../AdminContext';
import type { User } from '../data/types';
import {
  checkEmail,
  checkName,
  checkPassword,
  DISPLAY_NAME_MAX,
  EMAIL_MAX,
  firstProblem,
  PASSWORD_MAX,
  PASSWORD_MIN,
} from '../data/validation';
import { ErrorNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

interface FormProps {
  user: User;
  onDone: (message: string) => void;
  onCancel: () => void;
}

/** An account's name and e-mail address. */
export function ProfileForm({ user, onDone, onCancel }: FormProps) {
  const { api } = useAdmin();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email);
  const action = useAction();
  const nameId = useId();
  const emailId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(
      async () =>
        void (await api.updateUser(user.id, { displayName: displayName.trim(), email: email.trim() })),
      firstProblem(checkName('Name', displayName, DISPLAY_NAME_MAX), checkEmail(email)),
    );
    if (ok) onDone('Saved.');
  };

  return (
    <form
      className="adm-subform"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={`Edit ${user.displayName}`}
    >
      <div className="adm-field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          value={displayName}
          maxLength={DISPLAY_NAME_MAX}
          onChange={(e) => setDisplayName(e.target.value)}
        />
      </div>
      <div className="adm-field">
        <label htmlFor={emailId}>E-mail</label>
        <input
          id={emailId}
          type="email"
          value={email}
          maxLength={EMAIL_MAX}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <ErrorNote message={action.error} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={action.busy}>
          Save
        </button>
        <button type="button" className="adm-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A new password for an account; the server signs the user out everywhere. */
export function PasswordForm({ user, onDone, onCancel }: FormProps) {
  const { api } = useAdmin();
  const [password, setPassword] = useState('');
  const action = useAction();
  const passwordId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => api.resetPassword(user.id, password), checkPassword(password));
    if (ok) onDone(`New password set for ${user.displayName}; they are signed out everywhere.`);
  };

  return (
    <form
      className="adm-subform"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={`New password for ${user.displayName}`}
    >
      <div className="adm-field">
        <label htmlFor={passwordId}>
          New password <span className="adm-muted">(at least {PASSWORD_MIN} characters)</span>
        </label>
        <input
          id={passwordId}
          type="password"
          value={password}
          maxLength={PASSWORD_MAX}
          autoComplete="new-password"
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <ErrorNote message={action.error} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={action.busy}>
          Set password
        </button>
        <button type="button" className="adm-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
