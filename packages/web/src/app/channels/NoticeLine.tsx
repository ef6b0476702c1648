import type { ChannelNotice } from '../radio/RadioState';

/** The channel's latest short message (busy, refused, cut off); empty space otherwise, so nothing jumps. */
export function NoticeLine({ notice }: { notice: ChannelNotice | null }) {
  return (
    <p
      className="notice"
      data-kind={notice?.kind ?? 'none'}
      role={notice?.kind === 'busy' ? 'alert' : undefined}
    >
      {notice?.text ?? '\u00a0'}
    </p>
  );
}
