/** Shown while the browser holds received audio back: one tap anywhere (or here) lets the radio be heard. */
export function TapToHear({ onTap }: { onTap: () => void }) {
  return (
    <button
      type="button"
      className="banner banner--warn tap-to-hear"
      data-banner="tap-to-hear"
      onClick={onTap}
    >
      <strong>Tap to hear the radio</strong>
      <span>The browser holds back sound until you touch the screen.</span>
    </button>
  );
}
