import type { RtpParameters } from 'mediasoup/types';
import type { Logger } from 'pino';
import type { FloorGrant, FloorIdleEvent } from '../floor/FloorStore';
import type { FloorService } from '../floor/FloorService';
import type { ChannelStream } from '../media/ChannelStream';
import type { ChannelStreams } from '../media/ChannelStreams';
import type { NodeRegistry } from './NodeRegistry';
import { PipeIn } from './PipeIn';
import { PipeOut } from './PipeOut';
import type { PipeSettings } from './pipeTransport';
import { RelayBus } from './RelayBus';
import type { RelayMessage } from './RelayBus';

export interface ChannelRelayOptions {
  nodeId: string;
  redisUrl: string;
  keyPrefix: string;
  floor: FloorService;
  streams: ChannelStreams;
  registry: NodeRegistry;
  pipe: PipeSettings;
  /** How long a pipe request waits for the source node. Default 3000. */
  replyTimeoutMs?: number;
  logger: Logger;
}

/** What the relay reports to /metrics. */
export interface RelayStats {
  pipesIn: number;
  pipesOut: number;
  /** Channels whose stream on this node receives a pipe from another node. */
  relayedChannels: number;
  /** Open pipes per other node and direction. */
  pipesPerPeer: Map<string, { in: number; out: number }>;
  /** Per source node: packets received through its pipes, forwarded into streams, dropped by the gate. */
  perPeer: Map<string, { received: number; forwarded: number; dropped: number }>;
}

const key = (channelId: string, node: string): string => `${channelId}\n${node}`;

/**
 * Channel audio between nodes. Every node that has a stream of channel C (listeners of C here) receives the
 * audio of C's floor holder from the holder's node through a pipe (mediasoup PipeTransports on both nodes,
 * set up through RelayBus messages):
 *
 * - A pipe from node A for channel C is requested the first time a grant of C is held on A while this node
 *   has a stream of C (or when the stream is created while such a grant holds C), and kept while the stream
 *   lives: the next talker on A reuses it. The last listener of C here leaving closes the stream, which closes
 *   its pipes (and tells the source nodes to close their ends).
 * - Packets from A's pipe enter this node's stream only while the newest grant of C known here is held on A,
 *   under that grant's fencing number (the stream drops anything older than the newest it knows).
 * - A node that dies (NodeRegistry `nodeDown`): its pipes are closed at once, and the floors its sessions held
 *   are released so no channel stays busy until its lock's TTL.
 *
 * Ownership: the relay owns its RelayBus and every PipeIn and PipeOut of this node; close() closes them all
 * (idempotent). It does not own the streams, the floor service or the registry.
 */
export class ChannelRelay {
  readonly #options: ChannelRelayOptions;
  readonly #bus: RelayBus;
  readonly #log: Logger;
  /** The grant holding each channel as seen by this node (from any node). */
  readonly #grants = new Map<string, FloorGrant>();
  /** Receiving pipes by channel + source node (pending ones included). */
  readonly #in = new Map<string, PipeIn>();
  /** Sending pipes by pipe id. */
  readonly #out = new Map<string, PipeOut>();
  readonly #closedStats = new Map<string, { received: number; forwarded: number; dropped: number }>();
  readonly #onTaken = (grant: FloorGrant): void => this.#taken(grant);
  readonly #onIdle = (event: FloorIdleEvent): void => this.#idle(event);
  readonly #onOpened = (stream: ChannelStream): void => this.#streamOpened(stream);
  readonly #onClosed = (stream: ChannelStream): void => this.#streamClosed(stream);
  readonly #onNodeDown = (nodeId: string): void => this.#nodeDown(nodeId);
  #closed = false;

  private constructor(options: ChannelRelayOptions, bus: RelayBus) {
    this.#options = options;
    this.#bus = bus;
    this.#log = options.logger.child({ module: 'relay', nodeId: options.nodeId });
    options.floor.events.on('taken', this.#onTaken);
    options.floor.events.on('idle', this.#onIdle);
    options.streams.events.on('opened', this.#onOpened);
    options.streams.events.on('closed', this.#onClosed);
    options.registry.on('nodeDown', this.#onNodeDown);
    bus.events.on('open', (message) => void this.#openRequested(message));
    bus.events.on('close', (message) => this.#closeRequested(message));
  }

  static async start(options: ChannelRelayOptions): Promise<ChannelRelay> {
    const bus = await RelayBus.start({
      redisUrl: options.redisUrl,
      keyPrefix: options.keyPrefix,
      nodeId: options.nodeId,
      replyTimeoutMs: options.replyTimeoutMs ?? 3000,
      logger: options.logger,
    });
    return new ChannelRelay(options, bus);
  }

  stats(): RelayStats {
    const perPeer = new Map<string, { received: number; forwarded: number; dropped: number }>();
    for (const [peer, counters] of this.#closedStats) perPeer.set(peer, { ...counters });
    const channels = new Set<string>();
    const pipesPerPeer = new Map<string, { in: number; out: number }>();
    const pipesOf = (peer: string): { in: number; out: number } => {
      const counts = pipesPerPeer.get(peer) ?? { in: 0, out: 0 };
      pipesPerPeer.set(peer, counts);
      return counts;
    };
    for (const pipe of this.#out.values()) pipesOf(pipe.peer).out += 1;
    for (const pipe of this.#in.values()) {
      pipesOf(pipe.source).in += 1;
      channels.add(pipe.channelId);
      const sum = perPeer.get(pipe.source) ?? { received: 0, forwarded: 0, dropped: 0 };
      sum.received += pipe.counters.received;
      sum.forwarded += pipe.counters.forwarded;
      sum.dropped += pipe.counters.dropped;
      perPeer.set(pipe.source, sum);
    }
    return {
      pipesIn: this.#in.size,
      pipesOut: this.#out.size,
      relayedChannels: channels.size,
      pipesPerPeer,
      perPeer,
    };
  }

  /** Packets lost on the way in, per source node (from the pipe producers' receive stats). */
  async lossPerPeer(): Promise<Map<string, number>> {
    const lost = new Map<string, number>();
    await Promise.all(
      [...this.#in.values()].map(async (pipe) => {
        lost.set(pipe.source, (lost.get(pipe.source) ?? 0) + (await pipe.packetsLost()));
      }),
    );
    return lost;
  }

  /* ---- floor ---- */

  #taken(grant: FloorGrant): void {
    this.#grants.set(grant.channelId, grant);
    const source = grant.holder.nodeId;
    if (source === this.#options.nodeId) return;
    const stream = this.#options.streams.get(grant.channelId);
    if (stream !== undefined) this.#ensureIn(stream, source);
  }

  #idle(event: FloorIdleEvent): void {
    if (this.#grants.get(event.channelId)?.grantId === event.grantId) this.#grants.delete(event.channelId);
  }

  /** The gate of every receiving pipe: forward a source's packets only under the newest grant, held there. */
  #gate(channelId: string, source: string): number | null {
    const grant = this.#grants.get(channelId);
    return grant?.holder.nodeId === source ? grant.fence : null;
  }

  /* ---- streams ---- */

  #streamOpened(stream: ChannelStream): void {
    const grant = this.#grants.get(stream.channelId);
    if (grant !== undefined && grant.holder.nodeId !== this.#options.nodeId) {
      this.#ensureIn(stream, grant.holder.nodeId);
    }
  }

  #streamClosed(stream: ChannelStream): void {
    for (const pipe of [...this.#in.values()]) {
      if (pipe.stream === stream) this.#closeIn(pipe, true);
    }
    // PipeOuts of the stream close by themselves (their consumer's producer closed) and tell their peers.
  }

  /* ---- receiving pipes ---- */

  #ensureIn(stream: ChannelStream, source: string): void {
    if (this.#closed) return;
    const existing = this.#in.get(key(stream.channelId, source));
    if (existing !== undefined && !existing.closed && existing.stream === stream) return;
    if (existing !== undefined) this.#closeIn(existing, true);
    if (!this.#options.registry.isAlive(source)) {
      this.#log.debug({ channelId: stream.channelId, source }, 'no pipe from a node not known alive');
    }
    void this.#openIn(stream, source);
  }

  async #openIn(stream: ChannelStream, source: string): Promise<void> {
    const channelId = stream.channelId;
    const pipeId = RelayBus.newPipeId();
    let created: Awaited<ReturnType<typeof PipeIn.create>>;
    try {
      created = await PipeIn.create({
        pipeId,
        source,
        stream,
        gate: (from) => this.#gate(channelId, from),
        settings: this.#options.pipe,
        logger: this.#log,
      });
    } catch (error) {
      this.#log.error({ err: error, channelId, source }, 'could not create a receiving pipe');
      return;
    }
    const pipe = created.pipe;
    if (this.#closed || stream.closed || this.#in.has(key(channelId, source))) {
      pipe.close();
      return;
    }
    this.#in.set(key(channelId, source), pipe);
    pipe.onClosed(() => this.#forgetIn(pipe));
    try {
      const reply = await this.#bus.request(source, {
        type: 'open',
        from: this.#options.nodeId,
        pipeId,
        channelId,
        tuple: created.tuple,
      });
      if (reply.type === 'refused') {
        this.#log.info({ channelId, source, reason: reply.reason }, 'pipe refused');
        pipe.close();
        return;
      }
      await pipe.complete(reply.tuple, reply.rtpParameters as unknown as RtpParameters);
    } catch (error) {
      this.#log.warn({ err: error, channelId, source }, 'could not open a pipe');
      this.#closeIn(pipe, true);
    }
  }

  #closeIn(pipe: PipeIn, tellSource: boolean): void {
    if (tellSource && !pipe.closed) {
      this.#bus.send(pipe.source, { type: 'close', from: this.#options.nodeId, pipeId: pipe.pipeId });
    }
    pipe.close();
  }

  #forgetIn(pipe: PipeIn): void {
    const k = key(pipe.channelId, pipe.source);
    if (this.#in.get(k) === pipe) this.#in.delete(k);
    const sum = this.#closedStats.get(pipe.source) ?? { received: 0, forwarded: 0, dropped: 0 };
    sum.received += pipe.counters.received;
    sum.forwarded += pipe.counters.forwarded;
    sum.dropped += pipe.counters.dropped;
    this.#closedStats.set(pipe.source, sum);
  }

  /* ---- sending pipes ---- */

  async #openRequested(message: Extract<RelayMessage, { type: 'open' }>): Promise<void> {
    const refuse = (reason: string): void =>
      this.#bus.send(message.from, {
        type: 'refused',
        from: this.#options.nodeId,
        pipeId: message.pipeId,
        reason,
      });
    const stream = this.#options.streams.get(message.channelId);
    if (this.#closed || stream === undefined) {
      refuse('no stream of that channel on this node');
      return;
    }
    try {
      const { pipe, tuple, rtpParameters } = await PipeOut.create({
        pipeId: message.pipeId,
        peer: message.from,
        stream,
        remote: message.tuple,
        settings: this.#options.pipe,
        logger: this.#log,
      });
      if (this.#closed) {
        pipe.close();
        refuse('node shutting down');
        return;
      }
      this.#out.set(pipe.pipeId, pipe);
      pipe.onClosed(() => {
        this.#out.delete(pipe.pipeId);
        if (!this.#closed) {
          this.#bus.send(pipe.peer, { type: 'close', from: this.#options.nodeId, pipeId: pipe.pipeId });
        }
      });
      this.#bus.send(message.from, {
        type: 'opened',
        from: this.#options.nodeId,
        pipeId: pipe.pipeId,
        tuple,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
      });
    } catch (error) {
      this.#log.error(
        { err: error, channelId: message.channelId, peer: message.from },
        'could not open a pipe',
      );
      refuse('the pipe could not be created');
    }
  }

  #closeRequested(message: Extract<RelayMessage, { type: 'close' }>): void {
    const out = this.#out.get(message.pipeId);
    if (out !== undefined && out.peer === message.from) {
      this.#out.delete(out.pipeId);
      out.close();
    }
    for (const pipe of this.#in.values()) {
      if (pipe.pipeId === message.pipeId && pipe.source === message.from) {
        this.#closeIn(pipe, false);
        // The source's stream is gone; if a grant there still holds the channel, ask again.
        const grant = this.#grants.get(pipe.channelId);
        if (grant?.holder.nodeId === message.from && !pipe.stream.closed)
          this.#ensureIn(pipe.stream, message.from);
        break;
      }
    }
  }

  /* ---- node lifecycle ---- */

  #nodeDown(nodeId: string): void {
    if (this.#closed || nodeId === this.#options.nodeId) return;
    let pipes = 0;
    for (const pipe of [...this.#in.values()]) {
      if (pipe.source === nodeId) {
        this.#closeIn(pipe, false);
        pipes += 1;
      }
    }
    for (const pipe of [...this.#out.values()]) {
      if (pipe.peer === nodeId) {
        this.#out.delete(pipe.pipeId);
        pipe.close();
        pipes += 1;
      }
    }
    const held = [...this.#grants.values()].filter((grant) => grant.holder.nodeId === nodeId);
    this.#log.warn(
      { peer: nodeId, pipes, floors: held.length },
      'node down: its pipes closed, its floors freed',
    );
    for (const grant of held) {
      // Every surviving node tries; the store releases a grant only while it still holds the channel.
      this.#options.floor.release(grant.channelId, grant.grantId).catch((error: unknown) => {
        this.#log.warn({ err: error, channelId: grant.channelId }, "could not free a dead node's floor");
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { floor, streams, registry } = this.#options;
    floor.events.off('taken', this.#onTaken);
    floor.events.off('idle', this.#onIdle);
    streams.events.off('opened', this.#onOpened);
    streams.events.off('closed', this.#onClosed);
    registry.off('nodeDown', this.#onNodeDown);
    for (const pipe of [...this.#in.values()]) this.#closeIn(pipe, true);
    for (const pipe of [...this.#out.values()]) pipe.close();
    this.#out.clear();
    await this.#bus.close();
  }
}
