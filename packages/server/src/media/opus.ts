import type { RouterRtpCodecCapability } from 'mediasoup/types';

/** Opus packet duration in milliseconds. Push-to-talk uses short packets for low press-to-hear latency. */
export type OpusPtime = 10 | 20;

/**
 * Opus parameters for push-to-talk, written into the SDP fmtp line of both directions:
 * mono (stereo=0 / sprop-stereo=0), no DTX (the first syllable is never clipped by a waking encoder),
 * in-band FEC on (loss resilience without a deep jitter buffer), constant bitrate, short packets.
 *
 * mediasoup-client copies the router's codec parameters into the answer it gives the browser's sender, so
 * these reach Chrome's and Firefox's encoders; the same values are used for every channel stream.
 */
export function pttOpusParameters(ptime: OpusPtime): Record<string, number> {
  return {
    stereo: 0,
    'sprop-stereo': 0,
    usedtx: 0,
    useinbandfec: 1,
    cbr: 1,
    minptime: 10,
    ptime,
    maxaveragebitrate: 32000,
  };
}

/**
 * The router's only codec. mediasoup refuses an Opus entry with `channels: 1`; mono is signalled with
 * `stereo=0` / `sprop-stereo=0` instead.
 */
export function pttRouterCodecs(ptime: OpusPtime): RouterRtpCodecCapability[] {
  return [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      parameters: pttOpusParameters(ptime),
      rtcpFeedback: [{ type: 'transport-cc' }],
    },
  ];
}
