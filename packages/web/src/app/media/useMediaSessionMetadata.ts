import { useEffect } from 'react';
import type { ChannelState } from '../radio/RadioState';

/** The text the phone's lock screen and notification show for the radio. */
export function mediaSessionText(
  talkChannel: ChannelState | null,
  channels: ChannelState[],
): { title: string; artist: string } {
  const speaking = channels.find((channel) => channel.joined && channel.floor.state === 'taken');
  if (speaking !== undefined && speaking.floor.state === 'taken')
    return { title: `${speaking.floor.holder.displayName} speaking`, artist: speaking.info.name };
  const listening = channels.filter((channel) => channel.joined).length;
  return {
    title: talkChannel?.info.name ?? 'Squelch',
    artist:
      listening === 0 ? 'Not listening' : `Listening on ${listening} channel${listening === 1 ? '' : 's'}`,
  };
}

/**
 * Media Session metadata (lock screen, notification, headset displays): the channel and who is speaking.
 * Feature-detected; browsers without Media Session show nothing.
 */
export function useMediaSessionMetadata(talkChannel: ChannelState | null, channels: ChannelState[]): void {
  const { title, artist } = mediaSessionText(talkChannel, channels);
  useEffect(() => {
    if (!('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
    navigator.mediaSession.metadata = new MediaMetadata({
      title,
      artist,
      album: 'Squelch radio',
      artwork: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      ],
    });
  }, [title, artist]);
  useEffect(
    () => () => {
      if ('mediaSession' in navigator) navigator.mediaSession.metadata = null;
    },
    [],
  );
}
