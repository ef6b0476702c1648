import { useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { User } from '../data/types';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote, StatusNote } from '../ui/Notes';
import { useAction } from '../ui/useAction';
import { PasswordForm, ProfileForm } from './UserForms';

type Editing = 'none' | 'profile' | 'password';

/** One account: its status and what an admin can do to it. */
export function UserRow({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { api, me } = useAdmin();
  const [editing, setEditing] = useState<Editing>('none');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const self = user.id === me.userId;

  const update = async (changes: { isAdmin?: boolean; disabled?: boolean }, message: string) => {
    setDone(null);
    if (await action.run(async () => void (await api.updateUser(user.id, changes)))) {
      setDone(message);
      onChanged();
    }
  };

  return (
    <tr className={user.disabled ? 'adm-disabled-row' : undefined}>
      <td>
        {user.displayName}
        {self && <span className="adm-muted"> (you)</span>}
      </td>
      <td className="adm-muted">{user.email}</td>
      <td>
        {user.isAdmin && <span className="adm-badge">Admin</span>}
        {user.disabled ? (
          <span className="adm-badge adm-badge-off">Disabled</span>
        ) : (
          <span className="adm-badge adm-badge-on">Active</span>
        )}
      </td>
      <td>
        <div className="adm-row adm-wrap">
          <button
            type="button"
            className="adm-link"
            aria-expanded={editing === 'profile'}
            onClick={() => setEditing(editing === 'profile' ? 'none' : 'profile')}
          >
            Edit
          </button>
          <button
            type="button"
            className="adm-link"
            aria-expanded={editing === 'password'}
            onClick={() => setEditing(editing === 'password' ? 'none' : 'password')}
          >
            Reset password
          </button>
          {!self && !user.isAdmin && (
            <button
              type="button"
              className="adm-link"
              disabled={action.busy}
              onClick={() => void update({ isAdmin: true }, `${user.displayName} is now an administrator.`)}
            >
              Make admin
            </button>
          )}
          {!self && user.isAdmin && (
            <ConfirmButton
              label="Remove admin"
              className="adm-link"
              title={`Remove ${user.displayName}’s administrator role?`}
              confirmLabel="Remove admin role"
              disabled={action.busy}
              onConfirm={() =>
                update({ isAdmin: false }, `${user.displayName} is no longer an administrator.`)
              }
            >
              <p>They keep their roles in events but can no longer manage users, events or roles.</p>
            </ConfirmButton>
          )}
          {!self && !user.disabled && (
            <ConfirmButton
              label="Disable"
              ariaLabel={`Disable ${user.displayName}`}
              title={`Disable ${user.displayName}?`}
              confirmLabel="Disable user"
              disabled={action.busy}
              onConfirm={() => update({ disabled: true }, `${user.displayName} is disabled.`)}
            >
              <p>
                They are signed out everywhere and lose every channel at once, also mid-transmission. You can
                enable the account again later.
              </p>
            </ConfirmButton>
          )}
          {!self && user.disabled && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() => void update({ disabled: false }, `${user.displayName} is enabled again.`)}
            >
              Enable
            </button>
          )}
        </div>
        <ErrorNote message={action.error} />
        <StatusNote message={done} />
        {editing === 'profile' && (
          <ProfileForm
            user={user}
            onDone={(message) => {
              setEditing('none');
              setDone(message);
              onChanged();
            }}
            onCancel={() => setEditing('none')}
          />
        )}
        {editing === 'password' && (
          <PasswordForm
            user={user}
            onDone={(message) => {
              setEditing('none');
              setDone(message);
            }}
            onCancel={() => setEditing('none')}
          />
        )}
      </td>
    </tr>
  );
}
