import { useRef, useState } from 'react';
import type { Radio } from '../radio/Radio';
import type { ChannelState, RadioSnapshot } from '../radio/RadioState';
import { ChannelTile } from './ChannelTile';
import { DimSettings } from './DimSettings';
import { PlacementControls } from './PlacementControls';
import { useAudioPlacement } from './useAudioPlacement';
import { FeedbackWarning } from './feedback/FeedbackWarning';
import { HeadphonesQuestion } from './feedback/HeadphonesQuestion';
import type { HeadphonesAnswer } from './feedback/HeadphonesQuestion';
import { useFeedbackGuard } from './feedback/useFeedbackGuard';
import { ActivityList } from './activity/ActivityList';
import { LastHeard } from './activity/LastHeard';
import { useActivity } from './activity/useActivity';
import { AllCallBar, AllCallPick } from './allcall/AllCallBar';
import { useAllCall } from './allcall/useAllCall';
import { HotkeyPicker } from '../keys/HotkeyPicker';
import { useConsoleHotkeys } from '../keys/useConsoleHotkeys';

/** From this many visible tiles on, the console switches to its dense layout. */
const DENSE_FROM = 16;

/** Scrolls a channel's tile into view and makes it blink once (activity list, all-call report). */
function showTile(root: HTMLElement | null, channelId: string): void {
  const tile = root?.querySelector<HTMLElement>(`.tile[data-channel-id="${CSS.escape(channelId)}"]`);
  if (tile === null || tile === undefined) return;
  tile.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  tile.dataset.flash = 'true';
  window.setTimeout(() => delete tile.dataset.flash, 1600);
}

interface Group {
  key: string;
  title: string;
  channels: ChannelState[];
}

function groupByTeam(channels: ChannelState[]): Group[] {
  const groups = new Map<string, Group>();
  for (const channel of channels) {
    const key = `${channel.info.eventId}/${channel.info.teamId}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, title: `${channel.info.eventName} · ${channel.info.teamName}`, channels: [] };
      groups.set(key, group);
    }
    group.channels.push(channel);
  }
  return [...groups.values()];
}

/** The dispatcher's console: every channel as a tile with its own talk button, grouped by team. */
export function DispatchConsole({ radio, snapshot }: { radio: Radio; snapshot: RadioSnapshot }) {
  const placement = useAudioPlacement(radio, snapshot, window.localStorage);
  const consoleRef = useRef<HTMLDivElement | null>(null);
  const feedback = useFeedbackGuard(placement.guard, snapshot, placement.settings.feedback, consoleRef);
  const [headphones, setHeadphones] = useState<HeadphonesAnswer>('unasked');
  const headphonesRequired = snapshot.channels.some((channel) => channel.info.headphonesRequired);
  const activity = useActivity(radio);
  const allCall = useAllCall(radio);
  const channelTalkBlocked = (channel: ChannelState) =>
    channel.info.headphonesRequired && headphones !== 'headphones';
  const hotkeys = useConsoleHotkeys(radio, snapshot.settings.talkKey, (channelId) =>
    snapshot.channels.some((channel) => channel.info.id === channelId && channelTalkBlocked(channel)),
  );
  const [filter, setFilter] = useState('');
  const [joinedOnly, setJoinedOnly] = useState(false);
  const needle = filter.trim().toLowerCase();
  const visible = snapshot.channels.filter(
    (channel) =>
      (!joinedOnly || channel.joined) &&
      (needle === '' ||
        `${channel.info.name} ${channel.info.teamName} ${channel.info.eventName}`
          .toLowerCase()
          .includes(needle)),
  );
  // Many tiles: the dense layout (50 on one 1920×1080 screen), placement folded away under "Mix".
  const dense = visible.length > DENSE_FROM;
  const joinedCount = snapshot.channels.filter((channel) => channel.joined).length;
  const speaking = snapshot.channels.filter(
    (channel) => channel.joined && channel.floor.state === 'taken',
  ).length;
  return (
    <div className="console" ref={consoleRef} data-density={dense ? 'dense' : 'normal'}>
      <HeadphonesQuestion answer={headphones} required={headphonesRequired} onAnswer={setHeadphones} />
      <div className="console__toolbar" role="search">
        <input
          type="search"
          className="console__filter"
          placeholder="Filter channels"
          aria-label="Filter channels"
          value={filter}
          onChange={(event) => setFilter(event.currentTarget.value)}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={joinedOnly}
            onChange={(event) => setJoinedOnly(event.currentTarget.checked)}
          />
          Joined only
        </label>
        <span className="console__counts">
          {joinedCount} of {snapshot.channels.length} joined · {speaking} active
        </span>
        {hotkeys.unsaved && (
          <span className="console__warning" role="status">
            Channel keys could not be saved in this browser; they work until the page is closed.
          </span>
        )}
        <DimSettings settings={placement.settings} update={placement.update} />
        <FeedbackWarning
          status={feedback.status}
          action={placement.settings.feedback}
          onAction={(action) => placement.update((settings) => ({ ...settings, feedback: action }))}
          onDismiss={feedback.dismiss}
        />
      </div>
      {snapshot.channels.length === 0 && (
        <p className="empty">
          {snapshot.channelsLoaded ? 'No channels in your events yet.' : 'Loading channels…'}
        </p>
      )}
      <AllCallBar
        allCall={allCall}
        channels={snapshot.channels}
        disabled={headphonesRequired && headphones !== 'headphones' ? 'Headphones required' : null}
      />
      <div className="console__body">
        <div className="console__tiles">
          {groupByTeam(visible).map((group) => (
            <section key={group.key} className="console__group" aria-label={group.title}>
              <h2 className="section-title">{group.title}</h2>
              <div className="tile-grid">
                {group.channels.map((channel) => (
                  <ChannelTile
                    key={channel.info.id}
                    radio={radio}
                    snapshot={snapshot}
                    channel={channel}
                    mode={snapshot.settings.mode}
                    receiveLevel={() => placement.level(channel.info.id)}
                    status={<LastHeard activity={activity.last(channel.info.id)} />}
                    talkBlockedBy={channelTalkBlocked(channel) ? 'Headphones required' : null}
                    badge={
                      <HotkeyPicker
                        channelName={channel.info.name}
                        code={hotkeys.hotkeys[channel.info.id]}
                        talkKey={snapshot.settings.talkKey}
                        onChange={(code) => hotkeys.assign(channel.info.id, code)}
                      />
                    }
                  >
                    {dense ? (
                      <details className="tile__more">
                        <summary>Mix</summary>
                        <AllCallPick
                          allCall={allCall}
                          channelId={channel.info.id}
                          channelName={channel.info.name}
                        />
                        <PlacementControls
                          channelId={channel.info.id}
                          channelName={channel.info.name}
                          settings={placement.settings}
                          gain={placement.gains.get(channel.info.id) ?? 1}
                          update={placement.update}
                        />
                      </details>
                    ) : (
                      <>
                        <AllCallPick
                          allCall={allCall}
                          channelId={channel.info.id}
                          channelName={channel.info.name}
                        />
                        <PlacementControls
                          channelId={channel.info.id}
                          channelName={channel.info.name}
                          settings={placement.settings}
                          gain={placement.gains.get(channel.info.id) ?? 1}
                          update={placement.update}
                        />
                      </>
                    )}
                  </ChannelTile>
                ))}
              </div>
            </section>
          ))}
        </div>
        <ActivityList
          entries={activity.entries}
          onShow={(channelId) => {
            if (!visible.some((channel) => channel.info.id === channelId)) {
              setFilter('');
              setJoinedOnly(false);
              window.requestAnimationFrame(() => showTile(consoleRef.current, channelId));
            } else {
              showTile(consoleRef.current, channelId);
            }
          }}
        />
      </div>
    </div>
  );
}
