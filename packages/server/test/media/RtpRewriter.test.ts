import { describe, expect, it } from 'vitest';
import { RtpRewriter } from '../../src/media/RtpRewriter';

function rtp(seq: number, ts: number, ssrc: number, pt = 111, marker = false): Buffer {
  const packet = Buffer.alloc(12 + 4);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | pt;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(ts, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.write('opus', 12);
  return packet;
}

const fields = (packet: Buffer) => ({
  seq: packet.readUInt16BE(2),
  ts: packet.readUInt32BE(4),
  ssrc: packet.readUInt32BE(8),
  pt: packet[1]! & 0x7f,
  marker: (packet[1]! & 0x80) !== 0,
});

describe('RtpRewriter', () => {
  it('keeps one SSRC and payload type and continues sequence numbers across talkers', () => {
    let now = 0;
    const rewriter = new RtpRewriter({
      ssrc: 0xabcdef01,
      payloadType: 100,
      clockRate: 48000,
      now: () => now,
      initialSeq: 500,
      initialTs: 1000,
    });
    const a = [0, 1, 2].map((i) => rewriter.rewrite(rtp(40_000 + i, 7_000_000 + i * 960, 1111), 'grant-a')!);
    now = 1000; // one second of silence
    const b = [0, 1].map((i) => rewriter.rewrite(rtp(12 + i, 99 + i * 960, 2222, 111), 'grant-b')!);
    const all = [...a, ...b].map(fields);
    expect(new Set(all.map((f) => f.ssrc))).toEqual(new Set([0xabcdef01]));
    expect(all.every((f) => f.pt === 100)).toBe(true);
    expect(all.map((f) => f.seq)).toEqual([501, 502, 503, 504, 505]);
    // Within a segment timestamps keep the talker's spacing.
    expect(all[1]!.ts - all[0]!.ts).toBe(960);
    // Across the switch the timestamp advances by the wall-clock gap (1 s = 48000 samples).
    expect(all[3]!.ts - all[2]!.ts).toBe(48000);
    // The first packet of each segment carries the marker bit.
    expect(all.map((f) => f.marker)).toEqual([true, false, false, true, false]);
  });

  it('wraps sequence numbers and timestamps and keeps gaps and reordering of the input', () => {
    const rewriter = new RtpRewriter({
      ssrc: 1,
      payloadType: 100,
      clockRate: 48000,
      now: () => 0,
      initialSeq: 65534,
      initialTs: 0xffff_fd00,
    });
    const out = [rtp(10, 0, 5), rtp(11, 960, 5), rtp(13, 2880, 5), rtp(12, 1920, 5)].map((packet) =>
      fields(rewriter.rewrite(packet, 'g')!),
    );
    expect(out.map((f) => f.seq)).toEqual([65535, 0, 2, 1]);
    expect(out[1]!.ts).toBe((out[0]!.ts + 960) % 2 ** 32);
    // The first segment starts one 10 ms frame (480 samples) after the initial timestamp, then wraps.
    expect(out[0]!.ts).toBe(0xffff_fd00 + 480);
    expect(out[1]!.ts).toBe((0xffff_fd00 + 480 + 960) % 2 ** 32);
  });

  it('never moves media time backwards when the floor changes hands instantly', () => {
    const rewriter = new RtpRewriter({
      ssrc: 1,
      payloadType: 100,
      clockRate: 48000,
      now: () => 0,
      initialSeq: 0,
      initialTs: 0,
    });
    const a = fields(rewriter.rewrite(rtp(1, 5_000_000, 5), 'a')!);
    const b = fields(rewriter.rewrite(rtp(1, 10, 6), 'b')!);
    expect(b.ts).toBeGreaterThan(a.ts);
  });

  it('does not modify the input and rejects what is not RTP', () => {
    const rewriter = new RtpRewriter({ ssrc: 9, payloadType: 100, clockRate: 48000 });
    const input = rtp(1, 1, 1);
    const copy = Buffer.from(input);
    rewriter.rewrite(input, 'x');
    expect(input.equals(copy)).toBe(true);
    expect(rewriter.rewrite(Buffer.alloc(5), 'x')).toBeNull();
    const rtcpVersion1 = rtp(1, 1, 1);
    rtcpVersion1[0] = 0x40;
    expect(rewriter.rewrite(rtcpVersion1, 'x')).toBeNull();
  });
});
