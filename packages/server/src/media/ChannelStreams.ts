import type { Logger } from 'pino';
import { ChannelStream } from './ChannelStream';
import type { MediaWorker } from './MediaWorker';
import type { OpusPtime } from './opus';

interface Entry {
  stream: Promise<ChannelStream>;
  /** Set once the stream is ready, so liveness can be checked without waiting. */
  ready?: ChannelStream;
  failed?: boolean;
  users: number;
}

/**
 * The channel streams of this node, one per channel that has at least one listener here.
 *
 * Creation is serialized per channel: two joins arriving together share one stream. A stream is closed when
 * its last user leaves, so a 12-hour shift does not accumulate streams of channels nobody listens to.
 */
export class ChannelStreams {
  readonly #entries = new Map<string, Entry>();
  readonly #ptime: OpusPtime;
  readonly #logger: Logger;

  constructor(options: { ptime: OpusPtime; logger: Logger }) {
    this.#ptime = options.ptime;
    this.#logger = options.logger.child({ module: 'channel-streams' });
  }

  /** Takes a reference on the channel's stream, creating it (homed on `worker`) if there is none. */
  async acquire(channelId: string, worker: MediaWorker): Promise<ChannelStream> {
    let entry = this.#entries.get(channelId);
    if (entry === undefined || entry.failed === true || entry.ready?.closed === true) {
      const created: Entry = {
        stream: ChannelStream.create({ channelId, home: worker, ptime: this.#ptime, logger: this.#logger }),
        users: 0,
      };
      created.stream.then(
        (stream) => {
          created.ready = stream;
        },
        () => {
          created.failed = true;
          if (this.#entries.get(channelId) === created) this.#entries.delete(channelId);
        },
      );
      this.#entries.set(channelId, created);
      entry = created;
    }
    entry.users += 1;
    try {
      return await entry.stream;
    } catch (error) {
      entry.users -= 1;
      throw error;
    }
  }

  /** Drops a reference taken by acquire(); the last one closes the stream. */
  release(channelId: string): void {
    const entry = this.#entries.get(channelId);
    if (entry === undefined) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.#entries.delete(channelId);
    entry.stream.then(
      (stream) => stream.close(),
      () => undefined,
    );
  }

  /** The live stream of a channel, if it exists and is ready. */
  async get(channelId: string): Promise<ChannelStream | undefined> {
    const entry = this.#entries.get(channelId);
    if (entry === undefined) return undefined;
    try {
      const stream = await entry.stream;
      return stream.closed ? undefined : stream;
    } catch {
      return undefined;
    }
  }

  /** Number of live streams (for metrics and leak checks). */
  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    for (const entry of this.#entries.values()) {
      entry.stream.then(
        (stream) => stream.close(),
        () => undefined,
      );
    }
    this.#entries.clear();
  }
}
