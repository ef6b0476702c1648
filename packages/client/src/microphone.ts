/** Why the microphone could not be opened, in terms a person can act on. */
export type MicrophoneProblem = 'denied' | 'not_found' | 'busy' | 'insecure' | 'unknown';

export class MicrophoneError extends Error {
  readonly problem: MicrophoneProblem;
  constructor(problem: MicrophoneProblem, message: string) {
    super(message);
    this.name = 'MicrophoneError';
    this.problem = problem;
  }
}

export interface MicrophoneOptions {
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
  deviceId?: string;
}

/** Permission state if the browser can tell it up front ('prompt' when it cannot). */
export async function microphonePermission(): Promise<PermissionState> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' });
    return status.state;
  } catch {
    return 'prompt';
  }
}

/**
 * Opens the microphone with push-to-talk constraints (mono, 48 kHz; echo cancellation, noise suppression and
 * automatic gain on unless configured off). Call it from a user gesture. Failures become MicrophoneError with a
 * problem code and a sentence that tells the person what to do.
 */
export async function openMicrophone(options: MicrophoneOptions = {}): Promise<MediaStreamTrack> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new MicrophoneError('insecure', 'This page cannot use a microphone: open it over HTTPS.');
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        echoCancellation: options.echoCancellation ?? true,
        noiseSuppression: options.noiseSuppression ?? true,
        autoGainControl: options.autoGainControl ?? true,
        channelCount: 1,
        sampleRate: 48000,
        ...(options.deviceId !== undefined ? { deviceId: { exact: options.deviceId } } : {}),
      },
      video: false,
    });
    const track = stream.getAudioTracks()[0];
    if (track === undefined) throw new MicrophoneError('not_found', 'No microphone was found.');
    return track;
  } catch (error) {
    throw classifyMicrophoneError(error);
  }
}

export function classifyMicrophoneError(error: unknown): MicrophoneError {
  if (error instanceof MicrophoneError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError(
        'denied',
        'Microphone access is blocked. Allow the microphone for this site in the browser, then try again.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('not_found', 'No microphone was found. Connect one, then try again.');
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError(
        'busy',
        'The microphone is in use by another program or could not be started. Close the other program, then try again.',
      );
    default:
      return new MicrophoneError('unknown', 'The microphone could not be opened. Try again.');
  }
}
