import type { Activity } from './ActivityLog';
import { duration } from './clock';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The latest transmissions across all channels: channel, who, when, how long. Choosing one brings its tile
 * into view.
 */
export function ActivityList(props: { entries: readonly Activity[]; onShow: (channelId: string) => void }) {
  const { entries, onShow } = props;
  return (
    <aside className="activity" aria-label="Activity">
      <h2 className="section-title">Activity</h2>
      {entries.length === 0 ? (
        <p className="activity__empty">No transmissions since the console opened.</p>
      ) : (
        <ol className="activity__list">
          {entries.map((entry) => (
            <li key={entry.id}>
              <button
                type="button"
                className="activity__item"
                data-live={entry.endedAt === null}
                data-channel-id={entry.channelId}
                onClick={() => onShow(entry.channelId)}
              >
                <span className="activity__channel">{entry.channelName}</span>
                <span className="activity__who">{entry.talker}</span>
                <span className="activity__when">{TIME.format(entry.startedAt)}</span>
                <span className="activity__length">
                  {entry.endedAt === null ? 'on air' : duration(entry.endedAt - entry.startedAt)}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
