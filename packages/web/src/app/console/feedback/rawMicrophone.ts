/**
 * Opens the microphone a second time without echo cancellation, noise suppression or gain control, for the
 * feedback guard: the transmitted track may be echo-cancelled, which hides exactly the coupling the guard
 * looks for. Resolves null when the browser refuses (the guard then stays idle; talking is not affected).
 */
export async function openRawMicrophone(): Promise<MediaStreamTrack | null> {
  if (navigator.mediaDevices?.getUserMedia === undefined) return null;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      video: false,
    });
    return stream.getAudioTracks()[0] ?? null;
  } catch {
    return null;
  }
}
