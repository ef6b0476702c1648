import {
  Emitter,
  MicLevelMeter,
  classifyMicrophoneError,
  microphonePermission,
  openMicrophone,
} from '@squelch/client';
import type { MicrophoneOptions, PttClient } from '@squelch/client';
import { INITIAL_MICROPHONE } from './RadioState';
import type { MicrophoneState } from './RadioState';

/**
 * The microphone of one signed-in tab: the permission state up front, opening the device (only ever from a
 * user gesture), clear errors, re-opening with new processing settings, and the level meter of the track.
 */
export class MicrophoneController extends Emitter<{ change: [MicrophoneState] }> {
  readonly #client: PttClient;
  readonly #options: MicrophoneOptions;
  #state: MicrophoneState = INITIAL_MICROPHONE;
  #meter: MicLevelMeter | undefined;
  #opening: Promise<boolean> | undefined;
  #permissionStatus: PermissionStatus | undefined;
  #closed = false;

  /** `options` is read each time the device is opened, so changed settings apply on the next open. */
  constructor(client: PttClient, options: MicrophoneOptions) {
    super();
    this.#client = client;
    this.#options = options;
  }

  get state(): MicrophoneState {
    return this.#state;
  }

  /** Reads the permission state without prompting, and follows its changes. */
  async checkPermission(): Promise<void> {
    const permission = await microphonePermission();
    if (this.#closed) return;
    this.#patch({ permission });
    if (permission === 'denied' && this.#state.status === 'off')
      this.#fail(classifyMicrophoneError(denied()));
    try {
      const status = await navigator.permissions.query({ name: 'microphone' });
      this.#permissionStatus = status;
      status.onchange = () => {
        if (this.#closed) return;
        this.#patch({ permission: status.state });
        if (status.state === 'denied' && this.#state.status !== 'ready')
          this.#fail(classifyMicrophoneError(denied()));
      };
    } catch {
      // Browsers without a microphone permission query only tell at getUserMedia time.
    }
  }

  /** Opens the microphone (call from a user gesture). Resolves true when it is ready to transmit. */
  enable(): Promise<boolean> {
    if (this.#state.status === 'ready') return Promise.resolve(true);
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** Re-opens a ready microphone so new processing settings (echo cancellation, ...) take effect. */
  async reopen(): Promise<void> {
    if (this.#state.status !== 'ready') return;
    await this.#open();
  }

  /** The level of the transmitted microphone signal, 0..1. */
  level(): number {
    return this.#meter?.level() ?? 0;
  }

  async #open(): Promise<boolean> {
    if (this.#state.status !== 'ready') this.#patch({ status: 'opening', problem: null, message: null });
    let track: MediaStreamTrack;
    try {
      track = await openMicrophone(this.#options);
    } catch (error) {
      if (!this.#closed) this.#fail(classifyMicrophoneError(error));
      return false;
    }
    if (this.#closed) {
      track.stop();
      return false;
    }
    try {
      await this.#client.enableMicrophone(track);
      // An existing producer keeps its old track; hand it the new one.
      const producer = this.#client.mediaLink?.producer;
      if (producer !== undefined && !producer.closed && producer.track !== track) {
        await producer.replaceTrack({ track });
      }
    } catch (error) {
      if (this.#closed) return false;
      const reason = error instanceof Error ? ` (${error.message})` : '';
      this.#patch({
        status: 'error',
        problem: 'unknown',
        message: `The microphone works, but sending audio could not be set up${reason}. Try again.`,
      });
      return false;
    }
    this.#meter?.close();
    this.#meter = new MicLevelMeter(track);
    this.#meter.resume();
    track.addEventListener('ended', () => {
      if (this.#client.microphone !== track || this.#closed) return;
      this.#meter?.close();
      this.#meter = undefined;
      this.#patch({
        status: 'error',
        problem: 'not_found',
        message: 'The microphone stopped (unplugged or taken by another program). Check it, then try again.',
      });
    });
    this.#patch({ status: 'ready', permission: 'granted', problem: null, message: null });
    return true;
  }

  #fail(error: ReturnType<typeof classifyMicrophoneError>): void {
    this.#patch({
      status: 'error',
      problem: error.problem,
      message: error.message,
      ...(error.problem === 'denied' ? { permission: 'denied' as const } : {}),
    });
  }

  #patch(patch: Partial<MicrophoneState>): void {
    this.#state = { ...this.#state, ...patch };
    this.emit('change', this.#state);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#permissionStatus !== undefined) this.#permissionStatus.onchange = null;
    this.#meter?.close();
    this.#meter = undefined;
    this.removeAllListeners();
  }
}

function denied(): DOMException {
  return new DOMException('Permission denied', 'NotAllowedError');
}
