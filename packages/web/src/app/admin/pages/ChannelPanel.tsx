import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { Channel, ChannelMember, EventMember } from '../data/types';
import { useLoad } from '../data/useLoad';
import { formatRoute } from '../route';
import { matches, plural, roleLabel } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Notes';
import { Person } from '../ui/Person';
import { useAction } from '../ui/useAction';
import { usePaged } from '../ui/usePaged';

interface Props {
  channel: Channel;
  teamName: string;
  onClose: () => void;
}

interface Roster {
  assigned: ChannelMember[];
  members: EventMember[];
}

/** How many unassigned members to list at once; the filter narrows a large event down. */
const CANDIDATES_SHOWN = 50;

/** Who is assigned to one channel, and the event's other members to assign. */
export function ChannelPanel({ channel, teamName, onClose }: Props) {
  const { api, isAdmin } = useAdmin();
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const action = useAction();
  const panel = useRef<HTMLElement>(null);

  // On a phone the panel sits below the teams: bring it into view when a channel is opened.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  const load = useCallback(async (): Promise<Roster> => {
    const [assigned, members] = await Promise.all([
      api.listAssigned(channel.id),
      api.listMembers(channel.eventId),
    ]);
    return { assigned, members };
  }, [api, channel.id, channel.eventId]);
  const roster = useLoad(load);

  const assignedIds = new Set(roster.data?.assigned.map((m) => m.userId));
  const assigned = usePaged(roster.data?.assigned ?? []);
  const candidates = (roster.data?.members ?? []).filter(
    (m) => !assignedIds.has(m.userId) && matches(filter, m.displayName, m.email),
  );

  const assign = async (userId: string) => {
    if (await action.run(() => api.assign(channel.id, userId))) roster.reload();
  };
  const unassign = async (userId: string) => {
    if (await action.run(() => api.unassign(channel.id, userId))) roster.reload();
  };

  return (
    <section ref={panel} className="adm-card adm-channel-panel" aria-label={`Channel ${channel.name}`}>
      <header className="adm-team-head">
        <h3>
          {channel.name} <span className="adm-count">{teamName}</span>
        </h3>
        <button type="button" className="adm-link" onClick={onClose} aria-label="Close channel">
          Close
        </button>
      </header>
      <ErrorNote message={roster.error} />
      <ErrorNote message={action.error} />
      {roster.data === undefined && roster.error === null && <Loading what="assignments" />}
      {roster.data !== undefined && (
        <>
          <h4>Assigned ({roster.data.assigned.length})</h4>
          {roster.data.assigned.length === 0 ? (
            <p className="adm-muted">Nobody is assigned yet. Dispatchers of the event can use it anyway.</p>
          ) : (
            <ul className="adm-people" aria-label="Assigned people">
              {assigned.shown.map((person) => (
                <li key={person.userId}>
                  <Person name={person.displayName} email={person.email}>
                    {person.disabled && <span className="adm-badge adm-badge-off">Disabled</span>}
                  </Person>
                  <button
                    type="button"
                    className="adm-link"
                    disabled={action.busy}
                    aria-label={`Unassign ${person.displayName}`}
                    onClick={() => void unassign(person.userId)}
                  >
                    Unassign
                  </button>
                </li>
              ))}
            </ul>
          )}
          {assigned.pager}

          <h4>Assign members of the event</h4>
          {roster.data.members.length === 0 ? (
            <p className="adm-muted">
              The event has no members yet.{' '}
              {isAdmin ? (
                <a href={formatRoute({ page: 'event', eventId: channel.eventId, tab: 'members' })}>
                  Add people
                </a>
              ) : (
                'An administrator adds people to the event.'
              )}
            </p>
          ) : (
            <>
              <div className="adm-field adm-filter">
                <label htmlFor={filterId}>Find a member</label>
                <input
                  id={filterId}
                  type="search"
                  value={filter}
                  placeholder="Name or e-mail"
                  onChange={(e) => setFilter(e.target.value)}
                />
              </div>
              {candidates.length === 0 ? (
                <p className="adm-muted">
                  {filter.trim() === '' ? 'Every member is assigned.' : 'No unassigned member matches.'}
                </p>
              ) : (
                <ul className="adm-people" aria-label="Members to assign">
                  {candidates.slice(0, CANDIDATES_SHOWN).map((person) => (
                    <li key={person.userId}>
                      <Person name={person.displayName} email={person.email}>
                        <span className="adm-badge">{roleLabel(person.role)}</span>
                        {person.disabled && <span className="adm-badge adm-badge-off">Disabled</span>}
                      </Person>
                      <button
                        type="button"
                        disabled={action.busy}
                        aria-label={`Assign ${person.displayName}`}
                        onClick={() => void assign(person.userId)}
                      >
                        Assign
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {candidates.length > CANDIDATES_SHOWN && (
                <p className="adm-muted">
                  {plural(candidates.length - CANDIDATES_SHOWN, 'more member')} — narrow the list with the
                  filter.
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
