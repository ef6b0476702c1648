import { useCallback, useSyncExternalStore } from 'react';

/**
 * Where the management pages are, kept in location.hash under /admin so a reload or a shared link opens
 * the same page and the browser's back button works, without a router library:
 *   #/events                       events (the start page)
 *   #/events/<id>                  an event's teams and channels
 *   #/events/<id>/channels/<id>    the same, with one channel's assignments open
 *   #/events/<id>/members          an event's members and their roles
 *   #/events/<id>/settings         an event's name, description, deletion (admin)
 *   #/events/<id>/roster           import and export of the event's roster as CSV
 *   #/events/<id>/codes            single-use sign-in codes: printable QR cards and links
 *   #/users                        user accounts (admin)
 *   #/audit                        the audit log (admin)
 */
export type AdminRoute =
  | { page: 'events' }
  | { page: 'event'; eventId: string; tab: 'teams'; channelId?: string }
  | { page: 'event'; eventId: string; tab: 'members' | 'settings' | 'roster' | 'codes' }
  | { page: 'users' }
  | { page: 'audit' };

export type EventTab = 'teams' | 'members' | 'settings' | 'roster' | 'codes';

export function parseRoute(hash: string): AdminRoute {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  const [first, eventId, tab, channelId] = parts;
  if (first === 'users') return { page: 'users' };
  if (first === 'audit') return { page: 'audit' };
  if (first === 'events' && eventId !== undefined) {
    if (tab === 'members' || tab === 'settings' || tab === 'roster' || tab === 'codes') {
      return { page: 'event', eventId, tab };
    }
    if (tab === 'channels' && channelId !== undefined)
      return { page: 'event', eventId, tab: 'teams', channelId };
    return { page: 'event', eventId, tab: 'teams' };
  }
  return { page: 'events' };
}

export function formatRoute(route: AdminRoute): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'events':
      return '#/events';
    case 'users':
      return '#/users';
    case 'audit':
      return '#/audit';
    case 'event':
      if (route.tab === 'teams') {
        return route.channelId === undefined
          ? `#/events/${e(route.eventId)}`
          : `#/events/${e(route.eventId)}/channels/${e(route.channelId)}`;
      }
      return `#/events/${e(route.eventId)}/${route.tab}`;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const currentHash = () => window.location.hash;

/** The current page and a way to go elsewhere (a new history entry, so Back returns). */
export function useAdminRoute(): [AdminRoute, (route: AdminRoute) => void] {
  const hash = useSyncExternalStore(subscribe, currentHash, () => '');
  const go = useCallback((route: AdminRoute) => {
    window.location.hash = formatRoute(route);
  }, []);
  return [parseRoute(hash), go];
}
