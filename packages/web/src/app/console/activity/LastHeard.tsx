import type { Activity } from './ActivityLog';
import { ago, useNow } from './clock';

/** "last: Gus Guard, 40 s ago" under a tile's floor status; "on air" while the talk is going on. */
export function LastHeard({ activity }: { activity: Activity | undefined }) {
  if (activity === undefined) return <span className="last-heard">last: nobody yet</span>;
  if (activity.endedAt === null) {
    return (
      <span className="last-heard" data-live="true">
        last: {activity.talker}, on air
      </span>
    );
  }
  return <Elapsed activity={activity} endedAt={activity.endedAt} />;
}

function Elapsed({ activity, endedAt }: { activity: Activity; endedAt: number }) {
  const now = useNow();
  return (
    <span className="last-heard">
      last: {activity.talker}, {ago(now - endedAt)}
    </span>
  );
}
