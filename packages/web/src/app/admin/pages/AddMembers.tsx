import { useCallback, useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { EventMember, EventRole, User } from '../data/types';
import { useLoad } from '../data/useLoad';
import { roleLabel } from '../ui/format';
import { ErrorNote, Loading, StatusNote } from '../ui/Notes';
import { Person } from '../ui/Person';
import { useAction } from '../ui/useAction';
import { useDebounced } from '../ui/useDebounced';

const RESULTS = 20;

interface Props {
  eventId: string;
  members: EventMember[];
  onAdded: () => void;
}

/** Admin: find user accounts and add them to the event as General or Dispatch. */
export function AddMembers({ eventId, members, onAdded }: Props) {
  const { api } = useAdmin();
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<EventRole>('general');
  const [added, setAdded] = useState<string | null>(null);
  const searchId = useId();
  const roleId = useId();
  const action = useAction();
  const query = useDebounced(search.trim(), 250);

  const load = useCallback(
    () =>
      query === ''
        ? Promise.resolve<User[]>([])
        : api.listUsers({ search: query, limit: RESULTS, offset: 0 }),
    [api, query],
  );
  const results = useLoad(load, { keepPrevious: true });
  const roleOf = new Map(members.map((m) => [m.userId, m.role]));

  const add = async (user: User) => {
    setAdded(null);
    if (await action.run(() => api.setRole(eventId, user.id, role))) {
      setAdded(`${user.displayName} is now a member (${roleLabel(role)}).`);
      onAdded();
    }
  };

  return (
    <section className="adm-card" aria-label="Add people">
      <h3>Add people to the event</h3>
      <div className="adm-row adm-wrap">
        <div className="adm-field adm-grow">
          <label htmlFor={searchId}>Find a user</label>
          <input
            id={searchId}
            type="search"
            value={search}
            placeholder="Name or e-mail"
            autoComplete="off"
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="adm-field">
          <label htmlFor={roleId}>Role</label>
          <select
            id={roleId}
            value={role}
            onChange={(e) => setRole(e.target.value === 'dispatch' ? 'dispatch' : 'general')}
          >
            <option value="general">General</option>
            <option value="dispatch">Dispatch</option>
          </select>
        </div>
      </div>
      <ErrorNote message={action.error} />
      <ErrorNote message={results.error} />
      <StatusNote message={added} />
      {query !== '' && results.loading && results.data === undefined && <Loading what="users" />}
      {query !== '' && results.data !== undefined && results.data.length === 0 && (
        <p className="adm-muted">No user matches “{query}”. Create the account under Users first.</p>
      )}
      {results.data !== undefined && results.data.length > 0 && (
        <ul className="adm-people" aria-label="Matching users">
          {results.data.map((user) => {
            const current = roleOf.get(user.id);
            return (
              <li key={user.id}>
                <Person name={user.displayName} email={user.email}>
                  {user.isAdmin && <span className="adm-badge">Admin</span>}
                  {user.disabled && <span className="adm-badge adm-badge-off">Disabled</span>}
                  {current !== undefined && <span className="adm-badge">Member: {roleLabel(current)}</span>}
                </Person>
                <button
                  type="button"
                  disabled={action.busy || current === role}
                  aria-label={`Add ${user.displayName} as ${roleLabel(role)}`}
                  onClick={() => void add(user)}
                >
                  {current === undefined ? `Add as ${roleLabel(role)}` : `Make ${roleLabel(role)}`}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
