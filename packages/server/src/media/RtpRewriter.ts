const RTP_HEADER_BYTES = 12;
const SEQ_MODULO = 0x1_0000;
const TS_MODULO = 0x1_0000_0000;

/** Whether 16-bit sequence number `a` comes after `b`, with wrap-around. */
function seqNewer(a: number, b: number): boolean {
  const diff = (a - b + SEQ_MODULO) % SEQ_MODULO;
  return diff !== 0 && diff < SEQ_MODULO / 2;
}

interface Segment {
  key: string;
  seqOffset: number;
  tsOffset: number;
}

export interface RtpRewriterOptions {
  /** SSRC of the outgoing stream; constant for the stream's lifetime. */
  ssrc: number;
  /** Payload type written into every outgoing packet. */
  payloadType: number;
  /** RTP clock rate (48 kHz for Opus). */
  clockRate: number;
  /** Monotonic clock in milliseconds (injectable for tests). */
  now?: () => number;
  /** Initial sequence number and timestamp (random by default, as RFC 3550 recommends). */
  initialSeq?: number;
  initialTs?: number;
}

/**
 * Turns packets from successive talkers into one continuous RTP stream.
 *
 * Each talker's packets form a *segment* (identified by a key, the floor grant id). Within a segment the input's
 * own sequence and timestamp differences are kept (so loss and reordering stay visible to the receiver's jitter
 * buffer). When a new segment starts, its offsets are chosen so the sequence number continues from the last one
 * sent and the timestamp advances by the wall-clock time that passed, as if the stream had carried silence.
 * The SSRC and payload type are always the stream's own. Receivers therefore never see a new stream when the
 * floor changes hands, and nothing has to be renegotiated.
 */
export class RtpRewriter {
  readonly ssrc: number;
  readonly #payloadType: number;
  readonly #samplesPerMs: number;
  readonly #now: () => number;
  #segment: Segment | null = null;
  #lastSeq: number;
  #lastTs: number;
  #lastWallMs: number | null = null;

  constructor(options: RtpRewriterOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.#payloadType = options.payloadType & 0x7f;
    this.#samplesPerMs = options.clockRate / 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#lastSeq = (options.initialSeq ?? Math.floor(Math.random() * SEQ_MODULO)) % SEQ_MODULO;
    this.#lastTs = (options.initialTs ?? Math.floor(Math.random() * TS_MODULO)) >>> 0;
  }

  /**
   * Returns a rewritten copy of `packet` (the input is not modified), or null when it is not an RTP packet.
   * `segmentKey` changes whenever a different talker (or a new grant of the same talker) starts.
   */
  rewrite(packet: Buffer, segmentKey: string): Buffer | null {
    if (packet.length < RTP_HEADER_BYTES || packet[0] === undefined || packet[0] >> 6 !== 2) {
      return null;
    }
    const inSeq = packet.readUInt16BE(2);
    const inTs = packet.readUInt32BE(4);
    const now = this.#now();
    let firstOfSegment = false;
    if (this.#segment?.key !== segmentKey) {
      this.#segment = this.#startSegment(segmentKey, inSeq, inTs, now);
      firstOfSegment = true;
    }
    const outSeq = (inSeq + this.#segment.seqOffset) % SEQ_MODULO;
    const outTs = (inTs + this.#segment.tsOffset) % TS_MODULO;

    const out = Buffer.from(packet);
    const markerBit = firstOfSegment ? 0x80 : (packet[1] ?? 0) & 0x80;
    out[1] = markerBit | this.#payloadType;
    out.writeUInt16BE(outSeq, 2);
    out.writeUInt32BE(outTs, 4);
    out.writeUInt32BE(this.ssrc, 8);

    if (firstOfSegment || seqNewer(outSeq, this.#lastSeq)) {
      this.#lastSeq = outSeq;
      this.#lastTs = outTs;
      this.#lastWallMs = now;
    }
    return out;
  }

  #startSegment(key: string, inSeq: number, inTs: number, now: number): Segment {
    const nextSeq = (this.#lastSeq + 1) % SEQ_MODULO;
    // Advance the timestamp by the time that passed since the last packet, and by at least one 10 ms frame so
    // the new segment never goes backwards in media time.
    const elapsedMs = this.#lastWallMs === null ? 0 : Math.max(0, now - this.#lastWallMs);
    const advance = Math.max(Math.round(elapsedMs * this.#samplesPerMs), 10 * this.#samplesPerMs);
    const nextTs = (this.#lastTs + advance) % TS_MODULO;
    return {
      key,
      seqOffset: (nextSeq - inSeq + SEQ_MODULO) % SEQ_MODULO,
      tsOffset: (nextTs - inTs + TS_MODULO) % TS_MODULO,
    };
  }
}
