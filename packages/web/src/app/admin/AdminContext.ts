import { createContext, useContext } from 'react';
import type { AdminApi } from './data/AdminApi';
import type { Me } from './data/types';
import type { AdminRoute } from './route';

export interface AdminContextValue {
  api: AdminApi;
  me: Me;
  /** Global administrator: users, events, roles and the audit log are theirs alone. */
  isAdmin: boolean;
  go: (route: AdminRoute) => void;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

/** What every management page needs: the API, who is signed in, and navigation. */
export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (value === null) throw new Error('useAdmin() is only available inside <AdminPages>.');
  return value;
}
