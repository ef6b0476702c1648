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
import { ErrorNote, StatusNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';

/** Admin: a new account. Roles in events are given on the event's Members page. */
export function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { api } = useAdmin();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  const ids = { email: useId(), name: useId(), password: useId(), admin: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    let user: User | undefined;
    const ok = await action.run(
      async () => {
        user = await api.createUser({
          email: email.trim(),
          displayName: displayName.trim(),
          password,
          isAdmin,
        });
      },
      firstProblem(
        checkName('Name', displayName, DISPLAY_NAME_MAX),
        checkEmail(email),
        checkPassword(password),
      ),
    );
    if (ok && user !== undefined) {
      setEmail('');
      setDisplayName('');
      setPassword('');
      setIsAdmin(false);
      setCreated(`Created ${user.displayName} (${user.email}). Add them to an event under Events › Members.`);
      onCreated(user);
    }
  };

  return (
    <form className="adm-card adm-form" onSubmit={(e) => void submit(e)} noValidate aria-label="New user">
      <h3>New user</h3>
      <div className="adm-grid">
        <div className="adm-field">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            value={displayName}
            maxLength={DISPLAY_NAME_MAX}
            autoComplete="off"
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <div className="adm-field">
          <label htmlFor={ids.email}>E-mail</label>
          <input
            id={ids.email}
            type="email"
            value={email}
            maxLength={EMAIL_MAX}
            autoComplete="off"
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="adm-field">
          <label htmlFor={ids.password}>
            Password <span className="adm-muted">(at least {PASSWORD_MIN} characters)</span>
          </label>
          <input
            id={ids.password}
            type="password"
            value={password}
            maxLength={PASSWORD_MAX}
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
      </div>
      <label className="adm-check" htmlFor={ids.admin}>
        <input
          id={ids.admin}
          type="checkbox"
          checked={isAdmin}
          onChange={(e) => setIsAdmin(e.target.checked)}
        />
        Administrator (manages users, events and roles everywhere)
      </label>
      <ErrorNote message={action.error} />
      <StatusNote message={created} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={action.busy}>
          Create user
        </button>
      </div>
    </form>
  );
}
