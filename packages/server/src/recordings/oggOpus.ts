/**
 * A small Ogg Opus (RFC 7845) writer: it wraps Opus packets as they are, without re-encoding, into Ogg pages
 * (RFC 3533). The output is a complete, playable file once `finish()`'s bytes are written.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit += 1) r = r & 0x8000_0000 ? (r << 1) ^ 0x04c1_1db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, initial value 0). */
export function oggCrc(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i += 1) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!;
  return crc >>> 0;
}

const FRAME_MS_CELT = [2.5, 5, 10, 20] as const;
const FRAME_MS_SILK = [10, 20, 40, 60] as const;

/** Number of 48 kHz samples an Opus packet decodes to, from its TOC byte (RFC 6716 §3.1); 0 if malformed. */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const config = toc >> 3;
  let frameMs: number;
  if (config < 12) frameMs = FRAME_MS_SILK[config % 4]!;
  else if (config < 16) frameMs = config % 2 === 0 ? 10 : 20;
  else frameMs = FRAME_MS_CELT[config % 4]!;
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code !== 3) frames = 2;
  else {
    const count = packet[1];
    if (count === undefined) return 0;
    frames = count & 0x3f;
  }
  return Math.round(frames * frameMs * 48);
}

export interface OggOpusOptions {
  /** The logical stream's serial number (any 32-bit value). */
  serial: number;
  /** Channel count written in the OpusHead (the decoder's output layout). */
  channels?: 1 | 2;
  /** Vendor string and comments of the OpusTags header. */
  vendor?: string;
  comments?: Record<string, string>;
  /** Audio packets gathered into one page before it is emitted (50 × 20 ms = 1 s). */
  packetsPerPage?: number;
}

const HEADER_TYPE_CONTINUED = 0x01;
const HEADER_TYPE_BOS = 0x02;
const HEADER_TYPE_EOS = 0x04;

/**
 * Turns Opus packets into Ogg Opus bytes. `headers()` first, then `packet()` for each audio packet (it returns
 * the bytes of any page completed by then), then `finish()` for the last page with the end-of-stream flag.
 * Pre-skip is libopus's usual look-ahead (312 samples, 6.5 ms): the decoder's start-up output is dropped, as
 * players expect. The granule position counts it too, so the played duration is the sum of the packets'.
 */
export const PRE_SKIP = 312;

export class OggOpusWriter {
  readonly #serial: number;
  readonly #channels: 1 | 2;
  readonly #vendor: string;
  readonly #comments: Record<string, string>;
  readonly #packetsPerPage: number;
  #sequence = 0;
  /** Granule position (a plain number: exact up to 2^53 samples, about 5,900 years at 48 kHz). */
  #granule = PRE_SKIP;
  /** The page being filled: its packets' bytes copied one after another, and their lacing values. */
  #body = Buffer.allocUnsafe(4096);
  #bodyLength = 0;
  readonly #lacing = new Uint8Array(255);
  #lacingLength = 0;
  #pagePackets = 0;
  #pageFull = false;
  #finished = false;

  constructor(options: OggOpusOptions) {
    this.#serial = options.serial >>> 0;
    this.#channels = options.channels ?? 1;
    this.#vendor = options.vendor ?? 'squelch';
    this.#comments = options.comments ?? {};
    this.#packetsPerPage = options.packetsPerPage ?? 50;
  }

  /** Samples (48 kHz) a player plays from what was written so far. */
  get samples(): number {
    return this.#granule - PRE_SKIP;
  }

  /** The two header pages: OpusHead (beginning of stream) and OpusTags. */
  headers(): Buffer {
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'ascii');
    head.writeUInt8(1, 8);
    head.writeUInt8(this.#channels, 9);
    head.writeUInt16LE(PRE_SKIP, 10);
    head.writeUInt32LE(48_000, 12);
    head.writeInt16LE(0, 16);
    head.writeUInt8(0, 18);
    const vendor = Buffer.from(this.#vendor, 'utf8');
    const comments = Object.entries(this.#comments).map(([key, value]) => Buffer.from(`${key}=${value}`));
    const parts: Buffer[] = [
      Buffer.from('OpusTags', 'ascii'),
      u32(vendor.length),
      vendor,
      u32(comments.length),
    ];
    for (const comment of comments) parts.push(u32(comment.length), comment);
    const tags = Buffer.concat(parts);
    return Buffer.concat([this.#headerPage(head, HEADER_TYPE_BOS, 0), this.#headerPage(tags, 0, 0)]);
  }

  /**
   * Adds one audio packet (its bytes are copied, so the caller may reuse the buffer); returns the bytes of a
   * completed page, or null while the page is filling.
   */
  packet(opus: Uint8Array): Buffer | null {
    if (this.#finished) throw new Error('The Ogg stream is finished');
    if (opus.length === 0) return null;
    const laces = Math.floor(opus.length / 255) + 1;
    if (laces > 255) throw new Error(`An Opus packet of ${opus.length} bytes does not fit an Ogg page`);
    // A full page is emitted only when the next packet arrives, so the end-of-stream page always carries the
    // last packet (a page on which no packet ends must not carry a granule position). A page holds at most 255
    // lacing values: one that cannot take this packet is completed first.
    const page = this.#pageFull || this.#lacingLength + laces > 255 ? this.#flush(0) : null;
    this.#granule += opusPacketSamples(opus);
    this.#append(opus, laces);
    // A 20 ms packet at 32 kbit/s needs one lacing value.
    this.#pageFull = this.#pagePackets >= this.#packetsPerPage || this.#lacingLength >= 200;
    return page;
  }

  /** The last page, flagged end of stream (it may carry no packet). */
  finish(): Buffer {
    if (this.#finished) throw new Error('The Ogg stream is finished');
    this.#finished = true;
    return this.#flush(HEADER_TYPE_EOS);
  }

  #append(opus: Uint8Array, laces: number): void {
    if (this.#bodyLength + opus.length > this.#body.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.#body.length * 2, this.#bodyLength + opus.length));
      this.#body.copy(larger, 0, 0, this.#bodyLength);
      this.#body = larger;
    }
    this.#body.set(opus, this.#bodyLength);
    this.#bodyLength += opus.length;
    for (let i = 0; i < laces - 1; i += 1) this.#lacing[this.#lacingLength++] = 255;
    this.#lacing[this.#lacingLength++] = opus.length % 255;
    this.#pagePackets += 1;
  }

  #flush(flags: number): Buffer {
    const page = this.#page(
      this.#lacing.subarray(0, this.#lacingLength),
      this.#body.subarray(0, this.#bodyLength),
      flags,
      this.#granule,
    );
    this.#bodyLength = 0;
    this.#lacingLength = 0;
    this.#pagePackets = 0;
    this.#pageFull = false;
    return page;
  }

  #headerPage(packet: Buffer, flags: number, granule: number): Buffer {
    const lacing: number[] = [];
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
    if (lacing.length > 255) throw new Error('The Opus header does not fit an Ogg page');
    return this.#page(Uint8Array.from(lacing), packet, flags, granule);
  }

  /** One page in a single buffer: header, lacing values, body, then its CRC written in place. */
  #page(lacing: Uint8Array, body: Uint8Array, flags: number, granule: number): Buffer {
    const page = Buffer.allocUnsafe(27 + lacing.length + body.length);
    page.write('OggS', 0, 'ascii');
    page.writeUInt8(0, 4);
    page.writeUInt8(flags & ~HEADER_TYPE_CONTINUED, 5);
    page.writeBigInt64LE(BigInt(granule), 6);
    page.writeUInt32LE(this.#serial, 14);
    page.writeUInt32LE(this.#sequence, 18);
    page.writeUInt32LE(0, 22);
    page.writeUInt8(lacing.length, 26);
    page.set(lacing, 27);
    page.set(body, 27 + lacing.length);
    this.#sequence += 1;
    page.writeUInt32LE(oggCrc(page), 22);
    return page;
  }
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value, 0);
  return buffer;
}
