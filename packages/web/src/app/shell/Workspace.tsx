import { useEffect, useMemo, useState } from 'react';
import { watchNetwork } from '@squelch/client';
import type { AuthSession, SessionUser } from '../auth/AuthSession';
import { TapToHear } from '../audio/TapToHear';
import { useAudioUnlock } from '../audio/useAudioUnlock';
import { useAudioDevices } from '../devices/useAudioDevices';
import { PausedNotice } from '../lifecycle/PausedNotice';
import { useMediaSessionMetadata } from '../media/useMediaSessionMetadata';
import { usePauseRecovery } from '../lifecycle/usePauseRecovery';
import { keepsScreenOn, useWakeLock } from '../lifecycle/useWakeLock';
import { SingleChannelView, talkChannelOf } from '../channels/SingleChannelView';
import { DispatchConsole } from '../console/DispatchConsole';
import { EmergencyBanners } from '../emergency/EmergencyBanner';
import { EmergencyControl } from '../emergency/EmergencyControl';
import { useEmergencies } from '../emergency/useEmergencies';
import { HistoryContext } from '../history/historyApi';
import { useHeadsetTalk } from '../keys/useHeadsetTalk';
import { useTalkKey } from '../keys/useTalkKey';
import { useRadio } from '../radio/useRadio';
import { usePath } from '../routing/usePath';
import { SettingsDialog } from '../settings/SettingsDialog';
import { AdminRoute } from './AdminRoute';
import { ConnectionBanner } from './ConnectionBanner';
import { LiveRegion } from './LiveRegion';
import { MicrophonePanel } from './MicrophonePanel';
import { TopBar } from './TopBar';

/** Everything a signed-in user sees: status bar, banners, the radio (or the management pages), settings. */
export function Workspace({ session, user }: { session: AuthSession; user: SessionUser }) {
  const { radio, snapshot } = useRadio(session, user);
  const emergencies = useEmergencies(radio);
  const [path, navigate] = usePath();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const history = useMemo(
    () => ({
      userId: user.id,
      api: session.api,
      getToken: () => session.getToken(),
      storage: window.localStorage,
    }),
    [session, user.id],
  );

  // Safety net for every talk button: losing focus or hiding the tab stops any transmission.
  useEffect(() => {
    const stop = () => radio.releaseAll();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') stop();
    };
    window.addEventListener('blur', stop);
    document.addEventListener('visibilitychange', onVisibility);
    // Wi-Fi to mobile data, or back online: reconnect or re-check now rather than after the timers.
    const unwatchNetwork = watchNetwork(() => radio.networkChanged());
    return () => {
      unwatchNetwork();
      window.removeEventListener('blur', stop);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [radio]);

  // The first touch or key anywhere lets the browser start received audio that autoplay held back.
  const audio = useAudioUnlock(radio);
  // Back from a frozen or suspended page: connection checked, players restarted, the person told.
  const paused = usePauseRecovery(radio, audio.unlock);

  // Listening on a phone: the screen stays on (a locked phone may stop the page's audio).
  const listening = snapshot.channels.some((channel) => channel.joined);
  const screenOn = useWakeLock(listening && keepsScreenOn(snapshot.settings.keepScreenOn));

  // A headset connecting or going: microphone and playback follow the system default or the chosen device.
  const devices = useAudioDevices(radio, snapshot.settings, snapshot.microphone);

  const talkChannel = talkChannelOf(snapshot);
  useTalkKey(radio, snapshot.settings.talkKey, talkChannel?.info.id ?? null);
  useHeadsetTalk(radio, snapshot.settings.headsetTalk, talkChannel);
  useMediaSessionMetadata(talkChannel ?? null, snapshot.channels);

  const layout =
    snapshot.settings.layout === 'auto'
      ? user.role === 'general'
        ? 'single'
        : 'grid'
      : snapshot.settings.layout;
  const onAdmin = path === '/admin' || path.startsWith('/admin/');
  const lastTone = snapshot.tones.last;
  return (
    <div
      className="app"
      data-layout={layout}
      data-connection={snapshot.connection}
      data-screen-on={screenOn}
      data-last-tone={lastTone ?? undefined}
      data-tone-counts={`${snapshot.tones.counts['transmit-start']},${snapshot.tones.counts['transmit-end']},${snapshot.tones.counts.busy},${snapshot.tones.counts.preempted}`}
    >
      <TopBar
        user={user}
        connection={snapshot.connection}
        quality={snapshot.quality}
        microphone={snapshot.microphone}
        path={onAdmin ? '/admin' : '/'}
        onNavigate={navigate}
        onSettings={() => setSettingsOpen(true)}
        onSignOut={() => {
          radio.releaseAll();
          void session.signOut();
        }}
      />
      <div className="app__banners">
        <EmergencyBanners
          open={emergencies.open}
          calls={emergencies.calls}
          dispatches={user.role !== 'general'}
        />
        {audio.locked && <TapToHear onTap={audio.unlock} />}
        {paused.notice !== null && <PausedNotice notice={paused.notice} onDismiss={paused.dismiss} />}
        <ConnectionBanner connection={snapshot.connection} onRetry={() => radio.retryConnection()} />
        {!onAdmin && (
          <MicrophonePanel microphone={snapshot.microphone} onEnable={() => void radio.enableMicrophone()} />
        )}
        {snapshot.channelsError !== null && (
          <div className="banner banner--error" role="alert">
            <span>
              <strong>Channels could not be loaded.</strong> {snapshot.channelsError}
            </span>
            <button
              type="button"
              className="button button--light"
              onClick={() => void radio.reloadChannels()}
            >
              Try again
            </button>
          </div>
        )}
      </div>
      {!onAdmin && talkChannel?.joined === true && (
        <EmergencyControl
          calls={emergencies.calls}
          channelId={talkChannel.info.id}
          channelName={talkChannel.info.name}
          talking={emergencies.talking}
          prepareMicrophone={() => radio.enableMicrophone()}
          ownOpen={
            emergencies.open.find(
              (emergency) =>
                emergency.channelId === talkChannel.info.id && emergency.raisedBy.userId === user.id,
            )?.emergencyId
          }
        />
      )}
      <main className="app__main" id="main">
        <HistoryContext.Provider value={history}>
          {onAdmin ? (
            <AdminRoute api={session.api} user={user} />
          ) : layout === 'grid' ? (
            <DispatchConsole radio={radio} snapshot={snapshot} />
          ) : (
            <SingleChannelView radio={radio} snapshot={snapshot} />
          )}
        </HistoryContext.Provider>
      </main>
      <LiveRegion announcement={snapshot.announcement} />
      <SettingsDialog
        open={settingsOpen}
        settings={snapshot.settings}
        onChange={(next) => void radio.updateSettings(next)}
        onPreviewTone={(tone) => radio.playTone(tone)}
        onClose={() => setSettingsOpen(false)}
        changePassword={(current, next) => session.changePassword(current, next)}
        devices={devices}
      />
    </div>
  );
}
