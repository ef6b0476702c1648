import { useMemo } from 'react';
import './admin.css';
import { AdminContext, type AdminContextValue } from './AdminContext';
import { AdminApi, type ApiFetch } from './data/AdminApi';
import type { Me } from './data/types';
import { AuditPage } from './pages/AuditPage';
import { EventPage } from './pages/EventPage';
import { EventsPage } from './pages/EventsPage';
import { UsersPage } from './pages/UsersPage';
import { formatRoute, useAdminRoute, type AdminRoute } from './route';
import { roleLabel } from './ui/format';

export interface AdminPagesProps {
  /**
   * Fetch wrapper of the app shell: adds the bearer token; throws Error(server message) on non-2xx. Keep it
   * the same function across renders (the pages reload their data when it changes).
   */
  api: ApiFetch;
  /** The signed-in user. */
  me: Me;
}

const NAV: { page: 'events' | 'users' | 'audit'; label: string; adminOnly: boolean }[] = [
  { page: 'events', label: 'Events', adminOnly: false },
  { page: 'users', label: 'Users', adminOnly: true },
  { page: 'audit', label: 'Audit log', adminOnly: true },
];

function sectionOf(route: AdminRoute): 'events' | 'users' | 'audit' {
  return route.page === 'event' ? 'events' : route.page;
}

/**
 * The management pages, mounted by the app shell at /admin. Admins manage events, members and roles,
 * teams, channels, assignments, users and see the audit log; dispatchers manage the teams, channels and
 * assignments of the events they dispatch. What someone may not do is hidden; if they try anyway (an old
 * link), the server's refusal is shown.
 */
export function AdminPages({ api, me }: AdminPagesProps) {
  const client = useMemo(() => new AdminApi(api), [api]);
  const [route, go] = useAdminRoute();
  const isAdmin = me.role === 'admin';
  const context = useMemo<AdminContextValue>(
    () => ({ api: client, me, isAdmin, go }),
    [client, me, isAdmin, go],
  );

  if (me.role === 'general') {
    return (
      <div className="adm">
        <div className="adm-page">
          <h2>Management</h2>
          <p className="adm-muted">
            Your account has no management rights. Teams, channels and people are managed by the event’s
            dispatchers and administrators.
          </p>
        </div>
      </div>
    );
  }

  const section = sectionOf(route);
  return (
    <AdminContext.Provider value={context}>
      <div className="adm">
        <header className="adm-header">
          <h1>Management</h1>
          <nav className="adm-nav" aria-label="Management sections">
            {NAV.filter((item) => isAdmin || !item.adminOnly).map((item) => (
              <a
                key={item.page}
                href={formatRoute({ page: item.page })}
                aria-current={section === item.page ? 'page' : undefined}
              >
                {item.label}
              </a>
            ))}
          </nav>
          <span className="adm-me">
            Your role <span className="adm-badge">{roleLabel(me.role)}</span>
          </span>
        </header>
        <div className="adm-main">
          {route.page === 'events' && <EventsPage />}
          {route.page === 'event' && (
            <EventPage
              key={route.eventId}
              eventId={route.eventId}
              tab={route.tab}
              channelId={route.tab === 'teams' ? route.channelId : undefined}
            />
          )}
          {route.page === 'users' && <UsersPage />}
          {route.page === 'audit' && <AuditPage />}
        </div>
      </div>
    </AdminContext.Provider>
  );
}
