import type { Announcement } from '../radio/RadioState';

/**
 * Screen-reader announcements ("Alice is speaking on Gates", "Busy", "Reconnecting…"). Two regions, polite and
 * assertive, always present so assistive technology is already watching them when text arrives.
 */
export function LiveRegion({ announcement }: { announcement: Announcement | null }) {
  // Alternating a trailing no-break space makes a repeated sentence count as new text.
  const text =
    announcement === null ? '' : `${announcement.text}${announcement.id % 2 === 0 ? '\u00a0' : ''}`;
  return (
    <div className="visually-hidden">
      <div aria-live="polite" aria-atomic="true" data-testid="announce-polite">
        {announcement !== null && !announcement.assertive ? text : ''}
      </div>
      <div aria-live="assertive" aria-atomic="true" data-testid="announce-assertive">
        {announcement?.assertive === true ? text : ''}
      </div>
    </div>
  );
}
