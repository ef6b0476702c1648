import { useCallback, useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import { useLoad } from '../data/useLoad';
import { ErrorNote, Loading } from '../ui/Notes';
import { useDebounced } from '../ui/useDebounced';
import { CreateUserForm } from './CreateUserForm';
import { UserRow } from './UserRow';

const PAGE_SIZE = 50;

/** Admin: every account, searchable, a page at a time; create, edit, disable, reset passwords. */
export function UsersPage() {
  const { api, isAdmin } = useAdmin();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState({ query: '', offset: 0 });
  const searchId = useId();
  const query = useDebounced(search.trim(), 250);
  // A new search starts at the first page.
  const offset = page.query === query ? page.offset : 0;

  const load = useCallback(
    // One extra row tells whether there is a next page.
    () => api.listUsers({ search: query, limit: PAGE_SIZE + 1, offset }),
    [api, query, offset],
  );
  const users = useLoad(load, { keepPrevious: true });
  const rows = users.data?.slice(0, PAGE_SIZE) ?? [];
  const hasNext = (users.data?.length ?? 0) > PAGE_SIZE;

  return (
    <div className="adm-page">
      <div className="adm-page-head">
        <h2>Users</h2>
        <p className="adm-muted">
          Accounts of everyone who signs in. Roles in an event are given on that event’s Members page.
        </p>
      </div>
      {isAdmin && <CreateUserForm onCreated={users.reload} />}
      <section className="adm-card" aria-label="User list">
        {isAdmin && (
          <div className="adm-field adm-filter">
            <label htmlFor={searchId}>Search users</label>
            <input
              id={searchId}
              type="search"
              value={search}
              placeholder="Part of a name or e-mail address"
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        )}
        <ErrorNote message={users.error} />
        {users.data === undefined && users.error === null && <Loading what="users" />}
        {users.data !== undefined && rows.length === 0 && (
          <p className="adm-muted">{query === '' ? 'No users.' : `No user matches “${query}”.`}</p>
        )}
        {rows.length > 0 && (
          <table className="adm-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((user) => (
                <UserRow key={user.id} user={user} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        )}
        {(offset > 0 || hasNext) && (
          <div className="adm-actions adm-pager">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setPage({ query, offset: Math.max(0, offset - PAGE_SIZE) })}
            >
              Previous
            </button>
            <span className="adm-muted">
              {offset + 1}–{offset + rows.length}
            </span>
            <button
              type="button"
              disabled={!hasNext}
              onClick={() => setPage({ query, offset: offset + PAGE_SIZE })}
            >
              Next
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
