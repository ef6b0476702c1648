import type { Emergency, EmergencyRaiseResult } from '@squelch/protocol';
import { Emitter } from './Emitter';
import type { PttClient } from './PttClient';

export type EmergencyCallsEvents = {
  /** An emergency was raised or changed state (open ones are listed by `open()`). */
  changed: [Emergency];
  /** This client's emergency talk: its microphone is open on the channel until `endsAt` (ms since the epoch). */
  talking: [{ channelId: string; emergencyId: string; endsAt: number }];
};

const OPEN = new Set<Emergency['state']>(['raised', 'acknowledged']);

/**
 * Emergency calls on top of a PttClient: raise (the microphone opens on the channel for the server's
 * configured time without a button held), cancel one's own, acknowledge and clear as a dispatcher, and the
 * emergencies this user is to see, kept up to date from the server's `emergencyChanged` notifications (the
 * open ones are sent again after each sign-in). The server enforces who may do what; a refusal rejects with
 * a RequestError carrying its code and sentence.
 */
export class EmergencyCalls extends Emitter<EmergencyCallsEvents> {
  readonly #client: PttClient;
  readonly #known = new Map<string, Emergency>();
  readonly #off: () => void;

  constructor(client: PttClient) {
    super();
    this.#client = client;
    this.#off = client.on('emergency', (emergency) => this.#note(emergency));
  }

  /** Open emergencies (raised or acknowledged), oldest first. */
  open(): Emergency[] {
    return [...this.#known.values()]
      .filter((emergency) => OPEN.has(emergency.state))
      .sort((a, b) => a.raisedAt - b.raisedAt);
  }

  /** The open emergency on a channel, if any. */
  openOn(channelId: string): Emergency | undefined {
    return this.open().find((emergency) => emergency.channelId === channelId);
  }

  /** Raises an emergency on a joined channel; the microphone starts sending at once (as for a press). */
  async raise(channelId: string): Promise<EmergencyRaiseResult> {
    const signalling = this.#client.signalling;
    if (signalling?.isOpen !== true)
      throw new Error('Not connected to the server; the emergency was not sent.');
    this.#client.mediaLink?.producer?.resume();
    let result: EmergencyRaiseResult;
    try {
      result = await signalling.request('emergency.raise', { channelId });
    } catch (error) {
      this.#client.adoptEmergencyTalk(channelId, {
        granted: false,
        reason: 'unavailable',
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    this.#note(result.emergency);
    this.#client.adoptEmergencyTalk(channelId, result.floor);
    if (result.floor.granted) {
      this.emit('talking', {
        channelId,
        emergencyId: result.emergency.emergencyId,
        endsAt: Date.now() + result.talkMs,
      });
    }
    return result;
  }

  cancel(emergencyId: string): Promise<Emergency> {
    return this.#change('emergency.cancel', emergencyId);
  }

  acknowledge(emergencyId: string): Promise<Emergency> {
    return this.#change('emergency.acknowledge', emergencyId);
  }

  clear(emergencyId: string): Promise<Emergency> {
    return this.#change('emergency.clear', emergencyId);
  }

  /** Stops following the client's notifications. */
  close(): void {
    this.#off();
    this.#known.clear();
  }

  async #change(
    method: 'emergency.cancel' | 'emergency.acknowledge' | 'emergency.clear',
    emergencyId: string,
  ): Promise<Emergency> {
    const signalling = this.#client.signalling;
    if (signalling?.isOpen !== true) throw new Error('Not connected to the server; try again.');
    const { emergency } = await signalling.request(method, { emergencyId });
    this.#note(emergency);
    return emergency;
  }

  #note(emergency: Emergency): void {
    const known = this.#known.get(emergency.emergencyId);
    if (known !== undefined && known.state === emergency.state) return;
    if (known !== undefined && !OPEN.has(known.state)) return;
    this.#known.set(emergency.emergencyId, emergency);
    this.emit('changed', emergency);
  }
}
