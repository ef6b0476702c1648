import { randomInt } from 'node:crypto';
import type {
  AuthenticateResult,
  FloorRequestResult,
  JoinResult,
  NotificationName,
  TransportOptions,
} from '@squelch/protocol';
import { RawSocket } from './rawSocket';

/**
 * A signalling-only client for many-client tests and benchmarks: it authenticates, creates its receive
 * transport and a (never connected) send transport with a paused Opus producer, joins channels and presses —
 * everything the server checks — without a browser. Its transports never carry media.
 */
export class BotClient {
  readonly socket: RawSocket;
  session: AuthenticateResult | undefined;
  /** The server's answer to this bot's `createTransport recv` (for a client that connects it for real). */
  recvTransport: TransportOptions | undefined;
  #nextId = 1;

  private constructor(socket: RawSocket) {
    this.socket = socket;
  }

  static async connect(
    baseUrl: string,
    token: string,
    options: { producer?: boolean; requestTimeoutMs?: number } = {},
  ): Promise<BotClient> {
    const bot = new BotClient(await RawSocket.open(baseUrl));
    if (options.requestTimeoutMs !== undefined) bot.socket.requestTimeoutMs = options.requestTimeoutMs;
    bot.session = (await bot.call('authenticate', { token })) as AuthenticateResult;
    const caps = bot.session.routerRtpCapabilities as { codecs: unknown[]; headerExtensions: unknown[] };
    await bot.call('setRtpCapabilities', { rtpCapabilities: { codecs: caps.codecs, headerExtensions: [] } });
    bot.recvTransport = (await bot.call('createTransport', { direction: 'recv' })) as TransportOptions;
    if (options.producer !== false) {
      const send = (await bot.call('createTransport', { direction: 'send' })) as { id: string };
      const opus = (caps.codecs as { mimeType: string; preferredPayloadType: number }[]).find(
        (codec) => codec.mimeType.toLowerCase() === 'audio/opus',
      );
      await bot.call('produce', {
        transportId: send.id,
        kind: 'audio',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'audio/opus',
              payloadType: opus?.preferredPayloadType ?? 100,
              clockRate: 48000,
              channels: 2,
              parameters: { useinbandfec: 1, usedtx: 0 },
            },
          ],
          encodings: [{ ssrc: randomInt(1, 2 ** 31) }],
          headerExtensions: [],
          rtcp: { cname: `bot-${randomInt(1e9)}` },
        },
      });
    }
    return bot;
  }

  /** Sends a request; resolves with its result, rejects with the server's error code and message. */
  async call(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const response = await this.socket.request(id, method, params);
    if (response.ok !== true) {
      const error = response.error as { code: string; message: string };
      throw Object.assign(new Error(`${method}: ${error.code}: ${error.message}`), { code: error.code });
    }
    return response.result;
  }

  join(channelId: string): Promise<JoinResult> {
    return this.call('join', { channelId }) as Promise<JoinResult>;
  }

  press(channelId: string): Promise<FloorRequestResult> {
    return this.call('floor.request', { channelId }) as Promise<FloorRequestResult>;
  }

  release(channelId: string): Promise<{ released: boolean }> {
    return this.call('floor.release', { channelId }) as Promise<{ released: boolean }>;
  }

  /** The next notification of the given name (optionally matching data). */
  notification(
    name: NotificationName,
    match: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ) {
    return this.socket.next(
      (frame) => frame.notification === name && match(frame.data as Record<string, unknown>),
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}
