import { useCallback, useId, useState } from 'react';
import { useAdmin } from '../AdminContext';
import type { EventItem } from '../data/types';
import { useLoad } from '../data/useLoad';
import { formatRoute } from '../route';
import { formatDate, matches } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Notes';
import { CreateEventForm } from './CreateEventForm';

/** Events to manage: every event for admins, the events someone dispatches otherwise. */
export function EventsPage() {
  const { api, isAdmin, go } = useAdmin();
  const [filter, setFilter] = useState('');
  const filterId = useId();

  const load = useCallback(async (): Promise<EventItem[]> => {
    if (isAdmin) return api.listEvents();
    const [events, memberships] = await Promise.all([api.listEvents(), api.myMemberships()]);
    const dispatched = new Set(memberships.filter((m) => m.role === 'dispatch').map((m) => m.eventId));
    return events.filter((event) => dispatched.has(event.id));
  }, [api, isAdmin]);
  const events = useLoad(load);
  const shown = (events.data ?? []).filter((event) => matches(filter, event.name, event.description));

  return (
    <div className="adm-page">
      <div className="adm-page-head">
        <h2>Events</h2>
        <p className="adm-muted">
          {isAdmin
            ? 'Every event. Open one to manage its teams, channels and people.'
            : 'The events you dispatch. Open one to manage its teams, channels and assignments.'}
        </p>
      </div>

      {isAdmin && (
        <CreateEventForm onCreated={(event) => go({ page: 'event', eventId: event.id, tab: 'teams' })} />
      )}

      <section className="adm-card" aria-label="Event list">
        {(events.data?.length ?? 0) > 6 && (
          <div className="adm-field adm-filter">
            <label htmlFor={filterId}>Filter events</label>
            <input id={filterId} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
        )}
        <ErrorNote message={events.error} />
        {events.data === undefined && events.error === null && <Loading what="events" />}
        {events.data !== undefined && events.data.length === 0 && (
          <p className="adm-muted">
            {isAdmin
              ? 'No events yet. Create the first one above.'
              : 'You are not a dispatcher of any event.'}
          </p>
        )}
        {shown.length > 0 && (
          <table className="adm-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Description</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((event) => (
                <tr key={event.id}>
                  <td>
                    <a href={formatRoute({ page: 'event', eventId: event.id, tab: 'teams' })}>{event.name}</a>
                  </td>
                  <td className="adm-muted">{event.description}</td>
                  <td className="adm-nowrap">{formatDate(event.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
