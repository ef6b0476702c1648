/**
 * Registers the app's service worker (built by vite-plugin-pwa into /sw.js): it keeps the app shell so the
 * installed app opens without a network and shows its offline screen instead of a browser error page. A new
 * worker waits until every window of the old one has closed; the start page itself always comes from the
 * network first, so the next start after a deploy already runs the new build.
 */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  const register = () => {
    // Refused (blocked by the browser or a policy): the app works as a plain web page.
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** Which build of the web app is running (set at build time; shown in Settings, read by the tests). */
export const BUILD_ID: string = import.meta.env.VITE_SQUELCH_BUILD;
