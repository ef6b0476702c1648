// Brings the lab page's `window.lab` declaration into type checking.
import type {} from '../../packages/web/src/lab/main';

/** What the browser negotiated and sent for the microphone producer while talking. */
export interface OpusProbe {
  /** The Opus fmtp line of the send transport's remote answer (what the server asked the encoder for). */
  answerFmtp: string;
  /** The `a=ptime` / `a=maxptime` attributes of that answer's audio section, when present. */
  answerPtime: string | undefined;
  answerMaxptime: string | undefined;
  /** The Opus fmtp line of the browser's own offer. */
  offerFmtp: string;
  /** The browser's channel count for the sent codec (getStats codec.channels). */
  codecChannels: number | undefined;
  /** Packets per second and bytes per packet (payload) over each sampling interval while a tone plays. */
  tone: { packetsPerSecond: number; bytesPerPacket: number }[];
  /** The same after the microphone was replaced by digital silence. */
  silence: { packetsPerSecond: number; bytesPerPacket: number }[];
}

/**
 * Runs in the page (Chromium through Playwright, Firefox through Puppeteer): with the lab client connected,
 * joined and talking on a channel, samples the producer's outbound-rtp stats `intervals` times every
 * `intervalMs`, then replaces the microphone with silence (a MediaStreamDestination without a source) and
 * samples again. Self-contained: the function is serialised into the page.
 */
export async function probeOpusInPage(args: {
  intervals: number;
  intervalMs: number;
  expectedPacketsPerSecond: number;
}): Promise<OpusProbe> {
  const link = window.lab.client()?.mediaLink;
  const producer = link?.producer;
  const transport = link?.transports.send;
  if (producer === undefined || transport === undefined) throw new Error('not producing');
  // mediasoup-client keeps the RTCPeerConnection on its handler; read the negotiated SDP from it.
  const pc = (transport as unknown as { handler: { _pc: RTCPeerConnection } }).handler._pc;
  const audioSection = (sdp: string): string => {
    const start = sdp.indexOf('m=audio');
    const next = sdp.indexOf('\nm=', start + 1);
    return sdp.slice(start, next === -1 ? undefined : next);
  };
  const opusFmtp = (section: string): string => {
    const rtpmap = /a=rtpmap:(\d+) opus\/48000/i.exec(section);
    if (rtpmap === null) return '';
    return new RegExp(`a=fmtp:${rtpmap[1]} ([^\\r\\n]*)`).exec(section)?.[1] ?? '';
  };
  const answer = audioSection(pc.remoteDescription?.sdp ?? '');
  const offer = audioSection(pc.localDescription?.sdp ?? '');

  const totals = async (): Promise<{ packets: number; bytes: number; at: number; channels?: number }> => {
    let packets = 0;
    let bytes = 0;
    let codecId: string | undefined;
    let at = performance.now();
    const stats = new Map<string, Record<string, unknown>>();
    (await producer.getStats()).forEach((stat: Record<string, unknown>) => {
      stats.set(String(stat.id), stat);
      if (stat.type === 'outbound-rtp' && stat.kind === 'audio') {
        packets += Number(stat.packetsSent ?? 0);
        bytes += Number(stat.bytesSent ?? 0);
        if (typeof stat.codecId === 'string') codecId = stat.codecId;
        if (typeof stat.timestamp === 'number') at = stat.timestamp;
      }
    });
    const codec = codecId === undefined ? undefined : stats.get(codecId);
    return {
      packets,
      bytes,
      // The report's own time of the counters: a busy page may resolve getStats() late.
      at,
      channels: typeof codec?.channels === 'number' ? codec.channels : undefined,
    };
  };
  const sample = async (): Promise<{ packetsPerSecond: number; bytesPerPacket: number }[]> => {
    const found: { packetsPerSecond: number; bytesPerPacket: number }[] = [];
    let previous = await totals();
    for (let index = 0; index < args.intervals; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, args.intervalMs));
      const now = await totals();
      const packets = now.packets - previous.packets;
      found.push({
        packetsPerSecond: (packets * 1000) / (now.at - previous.at),
        bytesPerPacket: packets === 0 ? 0 : (now.bytes - previous.bytes) / packets,
      });
      previous = now;
    }
    return found;
  };

  // The send transport may still be connecting, or a browser's first page still starting its audio, on a busy
  // machine: sample the steady state, once 300 ms pass at 60 % of the expected packet rate (at most 15 s).
  const flowingBy = performance.now() + 15_000;
  let first = await totals();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await totals();
    const rate = ((now.packets - first.packets) * 1000) / Math.max(1, now.at - first.at);
    first = now;
    if (rate >= args.expectedPacketsPerSecond * 0.6 || performance.now() > flowingBy) break;
  }
  const tone = await sample();
  // Digital silence that still flows as audio frames: an oscillator through a gain of 0.
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  const oscillator = context.createOscillator();
  const mute = context.createGain();
  mute.gain.value = 0;
  oscillator.connect(mute).connect(destination);
  oscillator.start();
  await context.resume();
  const silentTrack = destination.stream.getAudioTracks()[0];
  if (silentTrack === undefined) throw new Error('no silent track');
  const original = producer.track;
  await producer.replaceTrack({ track: silentTrack });
  // Let the sender switch tracks and the encoder settle on silence before sampling (Firefox takes ~1 s).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const silence = await sample();
  await producer.replaceTrack({ track: original });
  oscillator.stop();
  silentTrack.stop();
  await context.close();
  return {
    answerFmtp: opusFmtp(answer),
    answerPtime: /a=ptime:(\d+)/.exec(answer)?.[1],
    answerMaxptime: /a=maxptime:(\d+)/.exec(answer)?.[1],
    offerFmtp: opusFmtp(offer),
    codecChannels: first.channels,
    tone,
    silence,
  };
}
