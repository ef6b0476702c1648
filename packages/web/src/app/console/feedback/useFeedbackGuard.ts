import { useCallback, useEffect, useState } from 'react';
import type { RefObject } from 'react';
import type { RadioSnapshot } from '../../radio/RadioState';
import type { FeedbackAction, FeedbackGuard, FeedbackStatus } from './FeedbackGuard';
import { openRawMicrophone } from './rawMicrophone';

const IDLE: FeedbackStatus = { heard: false, score: null, peak: 0, checks: 0, scored: 0, detections: 0 };

/**
 * Runs the feedback guard on the console's mixer: a raw microphone track once the radio's microphone is
 * ready, transmitting whenever any of the console's channels is, and the dispatcher's duck/mute/off setting.
 * The console re-renders only when the warning changes; the running figures (checks, detections, peak
 * score) go straight to `diagnostics` as data attributes, for tests and the benchmark.
 */
export function useFeedbackGuard(
  guardRef: RefObject<FeedbackGuard | null>,
  snapshot: RadioSnapshot,
  action: FeedbackAction,
  diagnostics: RefObject<HTMLElement | null>,
): { status: FeedbackStatus; dismiss: () => void } {
  const [status, setStatus] = useState<FeedbackStatus>(IDLE);
  const microphoneReady = snapshot.microphone.status === 'ready';
  const transmitting = snapshot.channels.some((channel) => channel.phase === 'transmitting');

  useEffect(() => {
    const guard = guardRef.current;
    if (guard === null) return;
    return guard.on('change', (next) => {
      const element = diagnostics.current;
      if (element !== null) {
        element.dataset.feedbackChecks = String(next.checks);
        element.dataset.feedbackScored = String(next.scored);
        element.dataset.feedbackDetections = String(next.detections);
        element.dataset.feedbackPeak = next.peak.toFixed(3);
      }
      setStatus((current) =>
        current.heard === next.heard && current.detections === next.detections ? current : next,
      );
    });
  }, [guardRef, diagnostics]);

  useEffect(() => {
    const guard = guardRef.current;
    if (guard === null || !microphoneReady) return;
    let track: MediaStreamTrack | null = null;
    let cancelled = false;
    void openRawMicrophone().then((opened) => {
      if (cancelled) {
        opened?.stop();
        return;
      }
      track = opened;
      guard.setMicrophone(opened);
    });
    return () => {
      cancelled = true;
      guard.setMicrophone(null);
      track?.stop();
    };
  }, [guardRef, microphoneReady]);

  useEffect(() => guardRef.current?.setAction(action), [guardRef, action]);
  useEffect(() => guardRef.current?.setTransmitting(transmitting), [guardRef, transmitting]);

  const dismiss = useCallback(() => guardRef.current?.dismiss(), [guardRef]);
  return { status, dismiss };
}
