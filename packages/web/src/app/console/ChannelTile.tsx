import type { PttMode } from '@squelch/client';
import type { ReactNode } from 'react';
import { FloorStatus } from '../channels/FloorStatus';
import { RecentTransmissions } from '../history/RecentTransmissions';
import { JoinSwitch } from '../channels/JoinSwitch';
import { NoticeLine } from '../channels/NoticeLine';
import { LevelMeter } from '../ptt/LevelMeter';
import { PttButton } from '../ptt/PttButton';
import { talkBlocker } from '../ptt/talkBlocker';
import type { Radio } from '../radio/Radio';
import type { ChannelState, RadioSnapshot } from '../radio/RadioState';
import { VolumeSlider } from './VolumeSlider';

/**
 * One channel of the dispatch console: listen, volume, who speaks, what is received, and its own talk button.
 * `children` (audio placement, and whatever else a console adds per channel) go below the controls.
 */
export function ChannelTile(props: {
  radio: Radio;
  snapshot: RadioSnapshot;
  channel: ChannelState;
  mode: PttMode;
  /** The received level after placement, 0..1. */
  receiveLevel?: () => number;
  /** A console-level reason the talk button is off (e.g. headphones not confirmed). */
  talkBlockedBy?: string | null;
  /** Shown beside the name (the console's talk key of the channel). */
  badge?: ReactNode;
  /** A line under the floor status (the console's "last: …"). */
  status?: ReactNode;
  children?: ReactNode;
}) {
  const { radio, snapshot, channel, mode, receiveLevel, talkBlockedBy, badge, status, children } = props;
  const { info } = channel;
  const holder = channel.joined && channel.floor.state === 'taken' ? channel.floor.holder : null;
  const busyWith = holder !== null && holder.userId !== radio.user.id ? holder.displayName : null;
  const refusal = channel.notice !== null && channel.notice.kind !== 'ended' ? channel.notice.id : null;
  return (
    <article
      className="tile"
      data-joined={channel.joined}
      data-speaking={busyWith !== null}
      data-phase={channel.phase}
      data-channel-id={info.id}
      aria-label={info.name}
    >
      <header className="tile__head">
        <h3 className="tile__name">{info.name}</h3>
        {badge}
        <JoinSwitch
          channelName={info.name}
          joined={channel.joined}
          pending={channel.pending}
          onChange={(join) => void (join ? radio.join(info.id) : radio.leave(info.id))}
        />
      </header>
      <FloorStatus channel={channel} selfId={radio.user.id} />
      {status}
      <NoticeLine notice={channel.notice} />
      <div className="tile__controls">
        <PttButton
          channelName={info.name}
          mode={mode}
          phase={channel.phase}
          busyWith={busyWith}
          disabledReason={
            talkBlocker(snapshot.connection, snapshot.microphone, channel) ?? talkBlockedBy ?? null
          }
          refusalId={refusal}
          size="compact"
          onPress={() => void radio.press(info.id)}
          onRelease={() => void radio.release(info.id)}
        />
        <div className="tile__side">
          <VolumeSlider
            channelName={info.name}
            volume={channel.volume}
            disabled={!channel.joined}
            onChange={(volume) => radio.setVolume(info.id, volume)}
          />
          {channel.phase === 'transmitting' || receiveLevel === undefined ? (
            <LevelMeter level={radio.micLevel} running={channel.phase === 'transmitting'} />
          ) : (
            <div className="tile__receive" data-receive="true">
              <LevelMeter level={receiveLevel} running={busyWith !== null} />
            </div>
          )}
        </div>
      </div>
      <RecentTransmissions
        channelId={info.id}
        present={channel.joined && snapshot.connection === 'connected'}
        live={channel.floor.state === 'taken' || channel.phase === 'transmitting'}
      />
      {children}
    </article>
  );
}
