import type { types } from 'mediasoup-client';

/**
 * Copies the Opus packet time of each audio section's fmtp (`ptime=10`, where mediasoup-client writes the
 * producer's `opusPtime`) into a media-level `a=ptime:` line (RFC 4566), unless the section already has one.
 *
 * Why: Firefox parses SDP with its default parser (sipcc), which keeps only maxplaybackrate, stereo,
 * useinbandfec, maxaveragebitrate and usedtx from an Opus fmtp; `ptime` and `cbr` there are dropped. Its codec
 * negotiation takes the packet time from a media-level `a=ptime` of the remote description instead, and then
 * encodes that many milliseconds per packet. Chromium reads either form. CBR has no media-level form, so
 * Firefox's encoder stays in VBR (see docs/architecture.md).
 */
export function withMediaLevelPtime(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const out: string[] = [];
  let section: string[] = [];
  const flush = (): void => {
    out.push(...withSectionPtime(section));
    section = [];
  };
  for (const line of lines) {
    if (line.startsWith('m=')) flush();
    section.push(line);
  }
  flush();
  return out.join(eol);
}

/** One section (starting at its m= line, or the session part): the section with `a=ptime` added if needed. */
function withSectionPtime(section: string[]): string[] {
  if (!section[0]?.startsWith('m=audio')) return section;
  if (section.some((line) => line.startsWith('a=ptime:'))) return section;
  const opus = new Set<string>();
  for (const line of section) {
    const rtpmap = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
    if (rtpmap?.[1] !== undefined) opus.add(rtpmap[1]);
  }
  for (let index = 0; index < section.length; index += 1) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(section[index]!);
    if (fmtp === null || !opus.has(fmtp[1]!)) continue;
    const ptime = /(?:^|;)\s*ptime=(\d+)/.exec(fmtp[2]!)?.[1];
    if (ptime === undefined) continue;
    return [...section.slice(0, index + 1), `a=ptime:${ptime}`, ...section.slice(index + 1)];
  }
  return section;
}

/**
 * Makes a send transport state the Opus packet time at media level in every answer it applies (the first one
 * and those after an ICE restart or a producer change), so Firefox sends the packet time the server asks for.
 * mediasoup-client offers no hook for the answer it writes, so the transport's RTCPeerConnection is reached
 * through its handler. Returns false, changing nothing, where there is no such connection.
 */
export function stateAnswerPacketTime(transport: types.Transport): boolean {
  if (typeof RTCPeerConnection === 'undefined') return false;
  const pc = (transport.handler as unknown as { _pc?: unknown })._pc;
  if (!(pc instanceof RTCPeerConnection)) return false;
  const setRemoteDescription = pc.setRemoteDescription.bind(pc);
  Object.defineProperty(pc, 'setRemoteDescription', {
    configurable: true,
    value: (description: RTCSessionDescriptionInit): Promise<void> =>
      setRemoteDescription(
        description.type === 'answer' && description.sdp !== undefined
          ? { type: 'answer', sdp: withMediaLevelPtime(description.sdp) }
          : description,
      ),
  });
  return true;
}
