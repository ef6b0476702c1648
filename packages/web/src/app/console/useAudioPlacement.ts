import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RefObject } from 'react';
import type { Radio } from '../radio/Radio';
import type { RadioSnapshot } from '../radio/RadioState';
import { ConsoleMixer } from './ConsoleMixer';
import { FeedbackGuard } from './feedback/FeedbackGuard';
import { channelGains, loadConsoleSettings, saveConsoleSettings } from './consoleSettings';
import type { ChannelMixState, ConsoleSettings, Pan } from './consoleSettings';

export interface AudioPlacement {
  settings: ConsoleSettings;
  update: (change: (settings: ConsoleSettings) => ConsoleSettings) => void;
  /** Received level of a channel after placement, 0..1 (0 before the mixer runs). */
  level: (channelId: string) => number;
  /** Each channel's linear gain after volume, mute, solo and dims. */
  gains: Map<string, number>;
  /** The feedback guard on the mixer's output (set from the first effect until close). */
  guard: RefObject<FeedbackGuard | null>;
}

function apply(mixer: ConsoleMixer, gains: Map<string, number>, pans: Record<string, Pan>): void {
  for (const [channelId, gain] of gains) {
    mixer.setGain(channelId, gain);
    mixer.setPan(channelId, pans[channelId] ?? 'centre');
  }
}

/**
 * The console's mixer for the lifetime of the console: takes over received audio from the radio, applies the
 * dispatcher's placement (pan, mute, solo, select dim, priority dim) on every change and remembers it. The
 * feedback guard listens to the mixer's output; it is closed before the mixer.
 */
export function useAudioPlacement(radio: Radio, snapshot: RadioSnapshot, storage: Storage): AudioPlacement {
  const [settings, setSettings] = useState(() => loadConsoleSettings(storage, radio.user.id));
  const mixerRef = useRef<ConsoleMixer | null>(null);
  const guardRef = useRef<FeedbackGuard | null>(null);

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
  const latest = useRef({ gains, pans: settings.pan });

  useEffect(() => {
    latest.current = { gains, pans: settings.pan };
    if (mixerRef.current !== null) apply(mixerRef.current, gains, settings.pan);
  }, [gains, settings.pan]);

  useEffect(() => {
    const mixer = new ConsoleMixer();
    apply(mixer, latest.current.gains, latest.current.pans);
    const unroute = radio.routeAudio(mixer);
    mixerRef.current = mixer;
    const guard = new FeedbackGuard(mixer);
    guardRef.current = guard;
    const resume = () => mixer.resume();
    mixer.resume();
    window.addEventListener('pointerdown', resume, true);
    window.addEventListener('keydown', resume, true);
    return () => {
      window.removeEventListener('pointerdown', resume, true);
      window.removeEventListener('keydown', resume, true);
      unroute();
      guard.close();
      mixer.close();
      if (mixerRef.current === mixer) mixerRef.current = null;
      if (guardRef.current === guard) guardRef.current = null;
    };
  }, [radio]);

  const update = useCallback(
    (change: (settings: ConsoleSettings) => ConsoleSettings) =>
      setSettings((current) => {
        const next = change(current);
        saveConsoleSettings(storage, radio.user.id, next);
        return next;
      }),
    [storage, radio.user.id],
  );

  const level = useCallback((channelId: string) => mixerRef.current?.level(channelId) ?? 0, []);
  return { settings, update, level, gains, guard: guardRef };
}
