import { useCallback } from 'react';
import { useAdmin } from '../AdminContext';
import { useLoad } from '../data/useLoad';
import { formatRoute, type EventTab } from '../route';
import { ErrorNote, Loading } from '../ui/Notes';
import { EventSettings } from './EventSettings';
import { MembersTab } from './MembersTab';
import { RosterTab } from './RosterTab';
import { SigninCodesTab } from './SigninCodesTab';
import { TeamsTab } from './TeamsTab';

interface Props {
  eventId: string;
  tab: EventTab;
  channelId?: string;
}

const TABS: { tab: EventTab; label: string; adminOnly: boolean }[] = [
  { tab: 'teams', label: 'Teams & channels', adminOnly: false },
  { tab: 'members', label: 'Members & roles', adminOnly: false },
  { tab: 'roster', label: 'Import & export', adminOnly: false },
  { tab: 'codes', label: 'Sign-in codes', adminOnly: false },
  { tab: 'settings', label: 'Settings', adminOnly: true },
];

/** One event: its teams and channels, its members, and (admins) its settings. */
export function EventPage({ eventId, tab, channelId }: Props) {
  const { api, isAdmin } = useAdmin();
  const load = useCallback(() => api.getEvent(eventId), [api, eventId]);
  const event = useLoad(load);
  const tabs = TABS.filter((t) => isAdmin || !t.adminOnly);

  return (
    <div className="adm-page">
      <nav className="adm-breadcrumbs" aria-label="Breadcrumbs">
        <a href={formatRoute({ page: 'events' })}>Events</a>
        <span aria-hidden="true"> › </span>
        <span>{event.data?.name ?? '…'}</span>
      </nav>
      <div className="adm-page-head">
        <h2>{event.data?.name ?? 'Event'}</h2>
        {event.data !== undefined && event.data.description !== '' && (
          <p className="adm-muted">{event.data.description}</p>
        )}
      </div>
      <ErrorNote message={event.error} />
      {event.data === undefined && event.error === null && <Loading what="the event" />}
      {event.data !== undefined && (
        <>
          <nav className="adm-tabs" aria-label="Event sections">
            {tabs.map((t) => (
              <a
                key={t.tab}
                href={formatRoute(
                  t.tab === 'teams'
                    ? { page: 'event', eventId, tab: 'teams' }
                    : { page: 'event', eventId, tab: t.tab },
                )}
                aria-current={t.tab === tab ? 'page' : undefined}
              >
                {t.label}
              </a>
            ))}
          </nav>
          {tab === 'teams' && <TeamsTab eventId={eventId} channelId={channelId} />}
          {tab === 'members' && <MembersTab eventId={eventId} />}
          {tab === 'roster' && <RosterTab eventId={eventId} />}
          {tab === 'codes' && <SigninCodesTab eventId={eventId} eventName={event.data.name} />}
          {tab === 'settings' && <EventSettings key={eventId} event={event.data} onSaved={event.reload} />}
        </>
      )}
    </div>
  );
}
