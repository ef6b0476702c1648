import type { PttMode } from '@squelch/client';
import { PttButton } from '../ptt/PttButton';
import { talkBlocker } from '../ptt/talkBlocker';
import { TransmitIndicator } from '../ptt/TransmitIndicator';
import type { Radio } from '../radio/Radio';
import type { ChannelState, RadioSnapshot } from '../radio/RadioState';
import { FloorStatus } from './FloorStatus';
import { NoticeLine } from './NoticeLine';

/** The big talk button for the selected channel, with who is speaking and the on-air indicator. */
export function TalkDock({
  radio,
  snapshot,
  channel,
  mode,
}: {
  radio: Radio;
  snapshot: RadioSnapshot;
  channel: ChannelState | undefined;
  mode: PttMode;
}) {
  const blocker = talkBlocker(snapshot.connection, snapshot.microphone, channel);
  const holder = channel?.joined === true && channel.floor.state === 'taken' ? channel.floor.holder : null;
  const busyWith = holder !== null && holder.userId !== radio.user.id ? holder.displayName : null;
  const refusal =
    channel?.notice !== null && channel?.notice.kind !== 'ended' ? (channel?.notice.id ?? null) : null;
  return (
    <section className="talk-dock" aria-label="Talk" data-phase={channel?.phase ?? 'idle'}>
      <header className="talk-dock__head">
        <span className="talk-dock__label">Talk channel</span>
        <h2 className="talk-dock__channel">{channel?.info.name ?? 'None'}</h2>
        {channel !== undefined && <FloorStatus channel={channel} selfId={radio.user.id} />}
      </header>
      <NoticeLine notice={channel?.notice ?? null} />
      {/* Keyed by channel: switching the talk channel unmounts the old button, which releases its channel. */}
      <PttButton
        key={channel?.info.id ?? 'none'}
        channelName={channel?.info.name ?? 'no channel'}
        mode={mode}
        phase={channel?.phase ?? 'idle'}
        busyWith={busyWith}
        disabledReason={blocker}
        refusalId={refusal}
        size="large"
        onPress={() => {
          if (channel !== undefined) void radio.press(channel.info.id);
        }}
        onRelease={() => {
          if (channel !== undefined) void radio.release(channel.info.id);
        }}
      />
      <TransmitIndicator phase={channel?.phase ?? 'idle'} level={radio.micLevel} />
    </section>
  );
}
