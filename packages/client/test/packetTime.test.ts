import { describe, expect, it } from 'vitest';
import { withMediaLevelPtime } from '../src/packetTime';

/** The audio part of an answer as mediasoup-client writes it for a producer with opusPtime 10. */
const answer = (fmtp: string, extra: string[] = []): string =>
  [
    'v=0',
    'o=mediasoup-client 10000 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'm=audio 7 UDP/TLS/RTP/SAVPF 100',
    'c=IN IP4 127.0.0.1',
    'a=rtpmap:100 opus/48000/2',
    `a=fmtp:100 ${fmtp}`,
    ...extra,
    'a=mid:0',
    'a=recvonly',
    '',
  ].join('\r\n');

describe('withMediaLevelPtime', () => {
  it("adds an a=ptime line with the Opus fmtp's packet time, right after the fmtp", () => {
    const sdp = answer('minptime=10;useinbandfec=1;ptime=10;cbr=1');
    const lines = withMediaLevelPtime(sdp).split('\r\n');
    expect(lines.filter((line) => line.startsWith('a=ptime:'))).toEqual(['a=ptime:10']);
    expect(lines[lines.indexOf('a=ptime:10') - 1]).toBe(
      'a=fmtp:100 minptime=10;useinbandfec=1;ptime=10;cbr=1',
    );
    // Nothing else changes: the same lines in the same order, CRLF kept.
    expect(lines.filter((line) => line !== 'a=ptime:10').join('\r\n')).toBe(sdp);
  });

  it('reads ptime, not minptime or maxptime, wherever it stands in the fmtp', () => {
    expect(withMediaLevelPtime(answer('ptime=20;minptime=10;maxptime=60'))).toContain('a=ptime:20\r\n');
    expect(withMediaLevelPtime(answer('minptime=10; ptime=10'))).toContain('a=ptime:10\r\n');
  });

  it('leaves a section alone that has an a=ptime already, or no ptime in its Opus fmtp', () => {
    const stated = answer('ptime=10', ['a=ptime:20']);
    expect(withMediaLevelPtime(stated)).toBe(stated);
    const without = answer('minptime=10;useinbandfec=1');
    expect(withMediaLevelPtime(without)).toBe(without);
  });

  it('touches only audio sections and only the Opus fmtp', () => {
    const sdp = [
      'v=0',
      'm=audio 7 UDP/TLS/RTP/SAVPF 101 100',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 ptime=40',
      'a=rtpmap:100 opus/48000/2',
      'a=fmtp:100 ptime=10',
      'm=video 7 UDP/TLS/RTP/SAVPF 96',
      'a=rtpmap:96 VP8/90000',
      'a=fmtp:96 ptime=10',
      'm=audio 7 UDP/TLS/RTP/SAVPF 100',
      'a=rtpmap:100 opus/48000/2',
      'a=fmtp:100 ptime=20',
    ].join('\n');
    const lines = withMediaLevelPtime(sdp).split('\n');
    expect(lines.filter((line) => line.startsWith('a=ptime:'))).toEqual(['a=ptime:10', 'a=ptime:20']);
    expect(lines.indexOf('a=ptime:10')).toBe(lines.indexOf('a=fmtp:100 ptime=10') + 1);
  });
});
