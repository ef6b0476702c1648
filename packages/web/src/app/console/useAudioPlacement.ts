import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Radio } from '../radio/Radio';
import type { RadioSnapshot } from '../radio/RadioState';
import { ConsoleMixer } from './ConsoleMixer';
import { channelGains, loadConsoleSettings, saveConsoleSettings } from './consoleSettings';
import type { ChannelMixState, ConsoleSettings } from './consoleSettings';

export interface AudioPlacement {
  settings: ConsoleSettings;
  update: (change: (settings: ConsoleSettings) => ConsoleSettings) => void;
  /** Received level of a channel after placement, 0..1 (null before the mixer runs). */
  level: (channelId: string) => number;
  mixer: ConsoleMixer | null;
  /** Each channel's linear gain after volume, mute, solo and dims. */
  gains: Map<string, number>;
}

/**
 * The console's mixer for the lifetime of the console: takes over received audio from the radio, applies the
 * dispatcher's placement (pan, mute, solo, select dim, priority dim) on every change and remembers it.
 */
export function useAudioPlacement(radio: Radio, snapshot: RadioSnapshot, storage: Storage): AudioPlacement {
  const [settings, setSettings] = useState(() => loadConsoleSettings(storage, radio.user.id));
  const [mixer, setMixer] = useState<ConsoleMixer | null>(null);

  useEffect(() => {
    const created = new ConsoleMixer();
    const unroute = radio.routeAudio(created);
    setMixer(created);
    const resume = () => created.resume();
    created.resume();
    window.addEventListener('pointerdown', resume, true);
    window.addEventListener('keydown', resume, true);
    return () => {
      window.removeEventListener('pointerdown', resume, true);
      window.removeEventListener('keydown', resume, true);
      unroute();
      created.close();
      setMixer(null);
    };
  }, [radio]);

  const mix = useMemo(
    () =>
      snapshot.channels.map((channel): ChannelMixState => ({
        id: channel.info.id,
        volume: channel.volume,
        active:
          channel.joined && channel.floor.state === 'taken' && channel.floor.holder.userId !== radio.user.id,
      })),
    [snapshot.channels, radio.user.id],
  );

  const gains = useMemo(() => channelGains(settings, mix), [settings, mix]);

  useEffect(() => {
    if (mixer === null) return;
    for (const [channelId, gain] of gains) mixer.setGain(channelId, gain);
    for (const channel of mix) mixer.setPan(channel.id, settings.pan[channel.id] ?? 'centre');
  }, [mixer, settings, mix, gains]);

  const update = useCallback(
    (change: (settings: ConsoleSettings) => ConsoleSettings) =>
      setSettings((current) => {
        const next = change(current);
        saveConsoleSettings(storage, radio.user.id, next);
        return next;
      }),
    [storage, radio.user.id],
  );

  const level = useCallback((channelId: string) => mixer?.level(channelId) ?? 0, [mixer]);
  return { settings, update, level, mixer, gains };
}
