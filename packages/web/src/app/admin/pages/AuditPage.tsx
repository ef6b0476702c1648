import { useCallback, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { AuditEntry } from '../data/types';
import { useLoad } from '../data/useLoad';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Notes';
import { useAction } from '../ui/useAction';

const PAGE_SIZE = 100;

const ACTIONS: Record<string, string> = {
  'event.create': 'Created event',
  'event.update': 'Changed event',
  'event.delete': 'Deleted event',
  'event_member.set': 'Set event role',
  'event_member.remove': 'Removed from event',
  'team.create': 'Created team',
  'team.update': 'Renamed team',
  'team.delete': 'Deleted team',
  'channel.create': 'Created channel',
  'channel.update': 'Renamed channel',
  'channel.delete': 'Deleted channel',
  'channel_member.add': 'Assigned to channel',
  'channel_member.remove': 'Unassigned from channel',
  'user.create': 'Created user',
  'user.update': 'Changed user',
  'user.password_reset': 'Reset password',
  'demo.seed': 'Seeded demo data',
  'event.import': 'Imported roster',
  'event.export': 'Exported roster',
  'signin_code.create': 'Created sign-in codes',
  'signin_code.use': 'Signed in with a code',
  'signin_code.revoke': 'Revoked sign-in code',
};

const TARGETS: Record<string, string> = {
  event: 'Event',
  event_member: 'Member',
  team: 'Team',
  channel: 'Channel',
  channel_member: 'Assignment',
  user: 'User',
  signin_code: 'Sign-in code',
};

interface Names {
  users: Map<string, string>;
}

/** `{ name: "Gates", role: "general" }` → `name: Gates · role: general` */
function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([key]) => key !== 'eventId' && key !== 'channelId' && key !== 'teamId')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

/** Admin: who changed what, newest first, with older pages on demand. */
export function AuditPage() {
  const { api } = useAdmin();
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const more = useAction();

  const load = useCallback(async (): Promise<{ entries: AuditEntry[]; names: Names }> => {
    const [entries, users] = await Promise.all([
      api.listAudit({ limit: PAGE_SIZE }),
      // Names for the actor and target columns; ids are shown for anyone beyond the first 500.
      api.listUsers({ limit: 500, offset: 0 }),
    ]);
    return { entries, names: { users: new Map(users.map((u) => [u.id, u.displayName])) } };
  }, [api]);
  const first = useLoad(load);

  const entries = [...(first.data?.entries ?? []), ...older];
  const nameOf = (id: string | null) =>
    id === null ? 'System' : (first.data?.names.users.get(id) ?? `${id.slice(0, 8)}…`);
  const targetOf = (entry: AuditEntry) => {
    const type = TARGETS[entry.targetType] ?? entry.targetType;
    const user = entry.targetId === null ? undefined : first.data?.names.users.get(entry.targetId);
    const name = user ?? entry.details.name;
    return typeof name === 'string' ? `${type}: ${name}` : type;
  };

  const loadOlder = async () => {
    const last = entries.at(-1);
    if (last === undefined) return;
    await more.run(async () => {
      const page = await api.listAudit({ limit: PAGE_SIZE, before: last.id });
      setOlder((previous) => [...previous, ...page]);
      if (page.length < PAGE_SIZE) setExhausted(true);
    });
  };

  const refresh = () => {
    setOlder([]);
    setExhausted(false);
    first.reload();
  };

  return (
    <div className="adm-page">
      <div className="adm-page-head adm-row adm-spread">
        <div>
          <h2>Audit log</h2>
          <p className="adm-muted">Every change to users, events, roles, teams, channels and assignments.</p>
        </div>
        <button type="button" onClick={refresh} disabled={first.loading}>
          Refresh
        </button>
      </div>
      <section className="adm-card" aria-label="Audit entries">
        <ErrorNote message={first.error} />
        {first.data === undefined && first.error === null && <Loading what="the audit log" />}
        {first.data !== undefined && entries.length === 0 && (
          <p className="adm-muted">Nothing recorded yet.</p>
        )}
        {entries.length > 0 && (
          <table className="adm-table adm-audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td className="adm-nowrap">{formatDateTime(entry.at)}</td>
                  <td className="adm-nowrap">{nameOf(entry.actorId)}</td>
                  <td>{ACTIONS[entry.action] ?? entry.action}</td>
                  <td>{targetOf(entry)}</td>
                  <td className="adm-muted adm-details">{describeDetails(entry.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ErrorNote message={more.error} />
        {first.data !== undefined && first.data.entries.length === PAGE_SIZE && !exhausted && (
          <div className="adm-actions">
            <button type="button" onClick={() => void loadOlder()} disabled={more.busy}>
              Older entries
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
