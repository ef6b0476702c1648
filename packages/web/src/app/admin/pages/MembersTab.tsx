import { useCallback, useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { EventMember, EventRole } from '../data/types';
import { useLoad } from '../data/useLoad';
import { ConfirmButton } from '../ui/ConfirmButton';
import { matches, plural, roleLabel } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Notes';
import { useAction } from '../ui/useAction';
import { usePaged } from '../ui/usePaged';
import { AddMembers } from './AddMembers';

/** Who belongs to the event and in which role. Admins change it; the event's dispatchers look. */
export function MembersTab({ eventId }: { eventId: string }) {
  const { api, isAdmin } = useAdmin();
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const load = useCallback(() => api.listMembers(eventId), [api, eventId]);
  const members = useLoad(load);
  const found = (members.data ?? []).filter((m) => matches(filter, m.displayName, m.email));
  const { shown, pager } = usePaged(found);
  const dispatchers = (members.data ?? []).filter((m) => m.role === 'dispatch').length;

  return (
    <div className="adm-stack">
      {isAdmin && members.data !== undefined && (
        <AddMembers eventId={eventId} members={members.data} onAdded={members.reload} />
      )}
      <section className="adm-card" aria-label="Members">
        <h3>
          Members{' '}
          {members.data !== undefined && (
            <span className="adm-count">
              {plural(members.data.length, 'person', 'people')}, {plural(dispatchers, 'dispatcher')}
            </span>
          )}
        </h3>
        {!isAdmin && (
          <p className="adm-muted">
            Only an administrator can add people to the event or change their roles.
          </p>
        )}
        <ErrorNote message={members.error} />
        {members.data === undefined && members.error === null && <Loading what="members" />}
        {members.data !== undefined && members.data.length > 6 && (
          <div className="adm-field adm-filter">
            <label htmlFor={filterId}>Find a member</label>
            <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
        )}
        {members.data !== undefined && members.data.length === 0 && (
          <p className="adm-muted">Nobody is a member of this event yet.</p>
        )}
        {shown.length > 0 && (
          <table className="adm-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                {isAdmin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((member) => (
                <MemberRow key={member.userId} eventId={eventId} member={member} onChanged={members.reload} />
              ))}
            </tbody>
          </table>
        )}
        {pager}
      </section>
    </div>
  );
}

function MemberRow({
  eventId,
  member,
  onChanged,
}: {
  eventId: string;
  member: EventMember;
  onChanged: () => void;
}) {
  const { api, isAdmin } = useAdmin();
  const action = useAction();

  const setRole = async (role: EventRole) => {
    if (await action.run(() => api.setRole(eventId, member.userId, role))) onChanged();
  };
  const remove = async () => {
    if (await action.run(() => api.removeMember(eventId, member.userId))) onChanged();
  };

  return (
    <tr>
      <td>
        {member.displayName}
        {member.disabled && <span className="adm-badge adm-badge-off">Disabled</span>}
      </td>
      <td className="adm-muted">{member.email}</td>
      <td>
        {isAdmin ? (
          <select
            value={member.role}
            disabled={action.busy}
            aria-label={`Role of ${member.displayName}`}
            onChange={(e) => void setRole(e.target.value === 'dispatch' ? 'dispatch' : 'general')}
          >
            <option value="general">General</option>
            <option value="dispatch">Dispatch</option>
          </select>
        ) : (
          roleLabel(member.role)
        )}
        <ErrorNote message={action.error} />
      </td>
      {isAdmin && (
        <td>
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${member.displayName} from the event`}
            title={`Remove ${member.displayName} from the event?`}
            confirmLabel="Remove from event"
            disabled={action.busy}
            onConfirm={remove}
          >
            <p>They lose every channel of the event at once. You can add them again later.</p>
          </ConfirmButton>
        </td>
      )}
    </tr>
  );
}
