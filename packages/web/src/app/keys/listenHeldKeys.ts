/**
 * Listens for a held talk key: key down and up (in the capture phase, before the page's own handlers), and
 * `stop` when the window loses focus or the page hides, where a key-up would never arrive. Returns the
 * unsubscribe, which also calls `stop`.
 */
export function listenHeldKeys(
  down: (event: KeyboardEvent) => void,
  up: (event: KeyboardEvent) => void,
  stop: () => void,
): () => void {
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') stop();
  };
  window.addEventListener('keydown', down, { capture: true });
  window.addEventListener('keyup', up, { capture: true });
  window.addEventListener('blur', stop);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('keydown', down, { capture: true });
    window.removeEventListener('keyup', up, { capture: true });
    window.removeEventListener('blur', stop);
    document.removeEventListener('visibilitychange', onVisibility);
    stop();
  };
}
