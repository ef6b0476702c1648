import { Suspense, lazy, useMemo } from 'react';
import type { SessionUser } from '../auth/AuthSession';

// Loaded on first visit: general users never download the management pages.
const AdminPages = lazy(() => import('../admin').then((module) => ({ default: module.AdminPages })));

/** The management pages (admin and dispatch), mounted at /admin. */
export function AdminRoute(props: {
  api: (path: string, init?: RequestInit) => Promise<unknown>;
  user: SessionUser;
}) {
  const { api, user } = props;
  const me = useMemo(
    () => ({ userId: user.id, displayName: user.displayName, role: user.role }),
    [user.id, user.displayName, user.role],
  );
  if (user.role === 'general') {
    return <p className="empty">The management pages are for administrators and dispatchers.</p>;
  }
  return (
    <Suspense fallback={<p className="empty">Loading the management pages…</p>}>
      <AdminPages api={api} me={me} />
    </Suspense>
  );
}
