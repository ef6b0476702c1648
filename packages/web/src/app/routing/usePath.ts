import { useCallback, useSyncExternalStore } from 'react';

const NAVIGATE = 'squelch:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentPath = () => window.location.pathname;

/**
 * The page's path and in-app navigation without a reload (the radio keeps running while the management
 * pages are open). The server answers every non-API path with index.html, so a reload of /admin works.
 */
export function usePath(): [string, (path: string) => void] {
  const path = useSyncExternalStore(subscribe, currentPath, () => '/');
  const navigate = useCallback((to: string) => {
    if (to === window.location.pathname) return;
    window.history.pushState(null, '', to);
    window.dispatchEvent(new Event(NAVIGATE));
  }, []);
  return [path, navigate];
}
