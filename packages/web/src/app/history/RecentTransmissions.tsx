import { useEffect, useRef, useState } from 'react';
import { HistoryPlayer } from './HistoryPlayer';
import type { PlayerState } from './HistoryPlayer';
import { useHistoryApi } from './historyApi';
import type { HistoryApi, Transmission } from './historyApi';
import { useChannelHistory } from './useChannelHistory';

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A channel's recent transmissions (talker, time, duration), each playable with a tap, and the count of those
 * missed while away with a button that plays them in order. Live audio wins: playback holds while the
 * channel is live.
 */
export function RecentTransmissions(props: { channelId: string; present: boolean; live: boolean }) {
  const history = useHistoryApi();
  if (history === null) return null;
  return <History history={history} {...props} />;
}

function History({
  history,
  channelId,
  present,
  live,
}: {
  history: HistoryApi;
  channelId: string;
  present: boolean;
  live: boolean;
}) {
  const { recent, missed, clearMissed } = useChannelHistory(history, channelId, present, live);
  const [state, setState] = useState<PlayerState>({ status: 'idle' });
  const player = useRef<HistoryPlayer | null>(null);

  useEffect(() => {
    const created = new HistoryPlayer(history, setState);
    player.current = created;
    return () => {
      created.close();
      if (player.current === created) player.current = null;
    };
  }, [history]);

  useEffect(() => player.current?.setLive(live), [history, live]);

  const play = (transmissions: Transmission[]) => player.current?.play(transmissions);
  const playing = state.status === 'idle' ? null : state.transmissionId;
  return (
    <section
      className="history"
      data-channel-id={channelId}
      data-player={state.status}
      data-playing-id={playing ?? undefined}
      aria-label="Recent transmissions"
    >
      {missed.length > 0 && (
        <div className="history__missed">
          <span className="history__missed-count" data-missed={missed.length}>
            {missed.length} missed
          </span>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              play(missed);
              clearMissed();
            }}
          >
            Play missed
          </button>
          <button type="button" className="button button--small button--light" onClick={clearMissed}>
            Dismiss
          </button>
        </div>
      )}
      {state.status === 'held' && <p className="history__held">Paused while the channel is live</p>}
      {recent.length > 0 && (
        <ol className="history__list">
          {recent.map((transmission) => (
            <li key={transmission.id}>
              <button
                type="button"
                className="history__item"
                data-transmission-id={transmission.id}
                aria-pressed={playing === transmission.id}
                onClick={() => (playing === transmission.id ? player.current?.stop() : play([transmission]))}
              >
                <span className="history__talker">{transmission.talkerName}</span>
                <time dateTime={transmission.startedAt}>{clock(transmission.startedAt)}</time>
                <span className="history__duration">{seconds(transmission.durationMs)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
