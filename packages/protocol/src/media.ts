import { z } from 'zod';

/**
 * Shapes of the mediasoup objects that cross the wire. They are checked here for structure only (an object
 * with the fields every valid value has); mediasoup validates the contents itself and its refusals are turned
 * into `bad_request` answers. Unknown fields are kept so that newer client libraries keep working.
 */
export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(z.looseObject({ kind: z.enum(['audio', 'video']), mimeType: z.string() })).max(64),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string() }))
    .max(64)
    .optional(),
});

export const RtpParametersSchema = z.looseObject({
  codecs: z
    .array(z.looseObject({ mimeType: z.string(), payloadType: z.number().int() }))
    .min(1)
    .max(16),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  headerExtensions: z
    .array(z.looseObject({ uri: z.string(), id: z.number().int() }))
    .max(32)
    .optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.looseObject({ algorithm: z.string(), value: z.string() }))
    .min(1)
    .max(8),
});

export type WireRtpCapabilities = z.infer<typeof RtpCapabilitiesSchema>;
export type WireRtpParameters = z.infer<typeof RtpParametersSchema>;
export type WireDtlsParameters = z.infer<typeof DtlsParametersSchema>;

/** What the client needs to build one mediasoup-client transport. Opaque fields are mediasoup's own types. */
export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  /** TURN servers with short-lived credentials, fresh with every transport and every ICE restart. */
  iceServers: IceServer[];
  /** 'relay' when the server's operator requires every client to go through TURN (hostile networks). */
  iceTransportPolicy: 'all' | 'relay';
}

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What the client needs to build the consumer for one channel's stream. */
export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: 'audio';
  rtpParameters: unknown;
}
