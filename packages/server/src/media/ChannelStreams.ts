import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import { ChannelStream } from './ChannelStream';
import type { MediaWorker } from './MediaWorker';
import type { OpusPtime } from './opus';

interface Entry {
  channelId: string;
  stream: Promise<ChannelStream>;
  /** Set once the stream is ready, so liveness can be checked without waiting. */
  ready?: ChannelStream;
  failed?: boolean;
  users: number;
}

export type ChannelStreamsEvents = {
  /** A channel got a stream on this node (its first listener here). */
  opened: [ChannelStream];
  /** A channel's stream on this node closed (its last listener left, its worker died, or shutdown). */
  closed: [ChannelStream];
};

/** One user's reference on a channel stream. `release()` is idempotent and only affects its own stream. */
export interface ChannelStreamLease {
  readonly stream: ChannelStream;
  release(): void;
}

/**
 * The channel streams of this node, one per channel that has at least one listener here.
 *
 * Creation is serialized per channel: two joins arriving together share one stream. Users hold leases; the
 * last lease released closes the stream, so a 12-hour shift does not accumulate streams of channels nobody
 * listens to. A lease belongs to the stream it was taken on: after a stream is replaced (its worker died),
 * releasing an old lease cannot affect the new stream.
 */
export class ChannelStreams {
  readonly events: TypedEmitter<ChannelStreamsEvents>;
  readonly #entries = new Map<string, Entry>();
  /** The newest fencing number seen per channel (from grants on any node), given to streams created later. */
  readonly #fences = new Map<string, number>();
  readonly #ptime: OpusPtime;
  readonly #logger: Logger;

  constructor(options: { ptime: OpusPtime; logger: Logger }) {
    this.#ptime = options.ptime;
    this.#logger = options.logger.child({ module: 'channel-streams' });
    this.events = new TypedEmitter<ChannelStreamsEvents>(this.#logger);
  }

  /** Takes a lease on the channel's stream, creating it (homed on `worker`) if there is no live one. */
  async acquire(channelId: string, worker: MediaWorker): Promise<ChannelStreamLease> {
    let entry = this.#entries.get(channelId);
    if (entry === undefined || entry.failed === true || entry.ready?.closed === true) {
      const created: Entry = {
        channelId,
        stream: ChannelStream.create({ channelId, home: worker, ptime: this.#ptime, logger: this.#logger }),
        users: 0,
      };
      created.stream.then(
        (stream) => {
          stream.noteFence(this.#fences.get(channelId) ?? 0);
          created.ready = stream;
          this.events.emit('opened', stream);
        },
        () => {
          created.failed = true;
          if (this.#entries.get(channelId) === created) this.#entries.delete(channelId);
        },
      );
      this.#entries.set(channelId, created);
      entry = created;
    }
    const taken = entry;
    taken.users += 1;
    let stream: ChannelStream;
    try {
      stream = await taken.stream;
    } catch (error) {
      taken.users -= 1;
      throw error;
    }
    let released = false;
    return {
      stream,
      release: () => {
        if (released) return;
        released = true;
        this.#drop(taken);
      },
    };
  }

  /**
   * A grant was made for the channel (on any node): from now on only audio of that grant or a newer one is
   * forwarded into the channel's stream on this node.
   */
  noteFence(channelId: string, fence: number): void {
    if (fence > (this.#fences.get(channelId) ?? 0)) this.#fences.set(channelId, fence);
    this.get(channelId)?.noteFence(fence);
  }

  /** The live stream of a channel, if it exists and is ready. */
  get(channelId: string): ChannelStream | undefined {
    const stream = this.#entries.get(channelId)?.ready;
    return stream === undefined || stream.closed ? undefined : stream;
  }

  /** Number of live streams (for metrics and leak checks). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A worker died: streams homed on it are gone (their entries are dropped, so the next join creates a new
   * one) and pipes to it are forgotten. Returns the channels whose stream was lost.
   */
  workerDied(worker: MediaWorker): string[] {
    const lost: string[] = [];
    for (const [channelId, entry] of this.#entries) {
      const stream = entry.ready;
      if (stream === undefined) continue;
      if (stream.home === worker) {
        this.#entries.delete(channelId);
        this.#closeStream(stream);
        lost.push(channelId);
      } else {
        stream.forgetWorker(worker);
      }
    }
    return lost;
  }

  #drop(entry: Entry): void {
    entry.users -= 1;
    if (entry.users > 0) return;
    if (this.#entries.get(entry.channelId) === entry) this.#entries.delete(entry.channelId);
    entry.stream.then(
      (stream) => this.#closeStream(stream),
      () => undefined,
    );
  }

  #closeStream(stream: ChannelStream): void {
    if (stream.closed) return;
    stream.close();
    this.events.emit('closed', stream);
  }

  close(): void {
    for (const entry of this.#entries.values()) {
      entry.stream.then(
        (stream) => this.#closeStream(stream),
        () => undefined,
      );
    }
    this.#entries.clear();
  }
}
