/**
 * WebRTC peers for Node (libdatachannel through node-datachannel: ICE, DTLS-SRTP and RTP in native code) that
 * speak to a Squelch server the way mediasoup-client does in a browser: the server's transport parameters and
 * consumer become an SDP offer (the server is ICE-lite), the peer's answer gives the DTLS fingerprint sent with
 * `connectTransport`; a talker offers its own send-only Opus track and gets the server's side as the answer.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Audio, PeerConnection, RtcpReceivingSession } from 'node-datachannel';
import type { RtcConfig, Track } from 'node-datachannel';
import type { ConsumerOptions, TransportOptions } from '@squelch/protocol';
import type { DtlsParameters, IceCandidate, IceParameters, RtpParameters } from 'mediasoup/types';

export interface ReceiveCounters {
  /** RTP packets received. */
  received: number;
  /** Highest extended sequence number seen (−1 before the first packet). */
  highestSeq: number;
  /** RFC 3550 interarrival jitter, in RTP timestamp units (48 kHz). */
  jitter: number;
}

/**
 * The DTLS certificate of a process's peers (ECDSA P-256, made once with openssl). Knowing its fingerprint
 * before any SDP exists lets a peer connect the server's transport first and only then start ICE and DTLS,
 * in the order mediasoup-client follows in a browser (the server drops DTLS that arrives before
 * `connectTransport`).
 */
export interface PeerCertificate {
  certificatePemFile: string;
  keyPemFile: string;
  /** sha-256 fingerprint, upper-case hex pairs joined by colons (as in SDP). */
  fingerprint: string;
}

export function createPeerCertificate(directory: string): PeerCertificate {
  const certificatePemFile = path.join(directory, 'peer-cert.pem');
  const keyPemFile = path.join(directory, 'peer-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPemFile,
      '-out',
      certificatePemFile,
      '-days',
      '2',
      '-subj',
      '/CN=squelch-bench',
    ],
    { stdio: 'ignore' },
  );
  const fingerprint = new X509Certificate(readFileSync(certificatePemFile)).fingerprint256;
  return { certificatePemFile, keyPemFile, fingerprint };
}

/** The DTLS parameters for `connectTransport`: the peer's fingerprint and its DTLS role. */
export function dtlsParameters(certificate: PeerCertificate, role: 'client' | 'server'): DtlsParameters {
  return { role, fingerprints: [{ algorithm: 'sha-256', value: certificate.fingerprint }] };
}

/** Checks that a local SDP uses the certificate and takes the DTLS role announced to the server. */
function checkLocalDescription(sdp: string, certificate: PeerCertificate, role: 'client' | 'server'): void {
  const fingerprint = /^a=fingerprint:sha-256 (\S+)/m.exec(sdp)?.[1];
  const setup = /^a=setup:(\w+)/m.exec(sdp)?.[1];
  if (fingerprint?.toUpperCase() !== certificate.fingerprint.toUpperCase()) {
    throw new Error('the local description does not carry the peer certificate');
  }
  const expected = role === 'client' ? ['active'] : ['passive', 'actpass'];
  if (setup === undefined || !expected.includes(setup)) {
    throw new Error(`the local description takes DTLS setup ${setup}, not the ${role} role announced`);
  }
}

/** Session-level and transport lines of the server's side (ICE-lite, its UDP candidates, its fingerprint). */
function serverTransportLines(transport: TransportOptions, setup: 'actpass' | 'active'): string[] {
  const ice = transport.iceParameters as IceParameters;
  const dtls = transport.dtlsParameters as DtlsParameters;
  const fingerprint = dtls.fingerprints.find((entry) => entry.algorithm === 'sha-256');
  if (fingerprint === undefined) throw new Error('the server announced no sha-256 fingerprint');
  const candidates = (transport.iceCandidates as IceCandidate[]).filter((c) => c.protocol === 'udp');
  if (candidates.length === 0) throw new Error('the server announced no UDP candidate');
  return [
    'c=IN IP4 127.0.0.1',
    `a=ice-ufrag:${ice.usernameFragment}`,
    `a=ice-pwd:${ice.password}`,
    `a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`,
    `a=setup:${setup}`,
    'a=rtcp-mux',
    ...candidates.map(
      (c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address} ${c.port} typ ${c.type}`,
    ),
    'a=end-of-candidates',
  ];
}

function sdp(mediaLines: string[]): string {
  return [
    'v=0',
    'o=squelch 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=ice-lite',
    ...mediaLines,
    '',
  ].join('\r\n');
}

function fmtp(parameters: Record<string, unknown> | undefined): string {
  return Object.entries(parameters ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
}

/** The server's offer for a receive transport carrying one consumer (what mediasoup-client builds). */
export function consumerOffer(transport: TransportOptions, consumer: ConsumerOptions): string {
  const rtp = consumer.rtpParameters as RtpParameters;
  const codec = rtp.codecs[0];
  const ssrc = rtp.encodings?.[0]?.ssrc;
  if (codec === undefined || ssrc === undefined) throw new Error('the consumer has no codec or SSRC');
  return sdp([
    `m=audio 9 UDP/TLS/RTP/SAVPF ${codec.payloadType}`,
    ...serverTransportLines(transport, 'actpass'),
    'a=mid:0',
    'a=sendonly',
    `a=rtpmap:${codec.payloadType} opus/${codec.clockRate}/${codec.channels ?? 2}`,
    `a=fmtp:${codec.payloadType} ${fmtp(codec.parameters)}`,
    `a=ssrc:${ssrc} cname:${rtp.rtcp?.cname ?? 'squelch'}`,
  ]);
}

/** The server's answer to a talker's send-only offer. */
export function producerAnswer(transport: TransportOptions, payloadType: number, opusFmtp: string): string {
  return sdp([
    `m=audio 9 UDP/TLS/RTP/SAVPF ${payloadType}`,
    ...serverTransportLines(transport, 'active'),
    'a=mid:0',
    'a=recvonly',
    `a=rtpmap:${payloadType} opus/48000/2`,
    `a=fmtp:${payloadType} ${opusFmtp}`,
  ]);
}

function waitFor<T>(what: string, timeoutMs: number, start: (done: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
    start((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function peerConfig(certificate: PeerCertificate): RtcConfig {
  return {
    iceServers: [],
    bindAddress: '127.0.0.1',
    certificatePemFile: certificate.certificatePemFile,
    keyPemFile: certificate.keyPemFile,
  };
}

/**
 * A receiving peer: one receive transport, one consumer. Counts the RTP packets it gets (sequence gaps give
 * the loss, arrival times against RTP timestamps the RFC 3550 jitter) and answers with RTCP receiver reports,
 * as a browser does.
 */
export class ListeningPeer {
  readonly counters: ReceiveCounters = { received: 0, highestSeq: -1, jitter: 0 };
  readonly #pc: PeerConnection;
  #track: Track | undefined;
  #lastTransit = Number.NaN;
  #closed = false;

  readonly #certificate: PeerCertificate;

  /** A peer not started yet: connect the server's transport with `dtlsParameters`, then call `answer`. */
  constructor(name: string, certificate: PeerCertificate) {
    this.#certificate = certificate;
    this.#pc = new PeerConnection(name, peerConfig(certificate));
    this.#pc.onTrack((track) => {
      this.#track = track;
      track.setMediaHandler(new RtcpReceivingSession());
      track.onMessage((message) => this.#onPacket(message));
    });
  }

  /** What to send with `connectTransport` before `answer`: this peer is the DTLS client. */
  get dtlsParameters(): DtlsParameters {
    return dtlsParameters(this.#certificate, 'client');
  }

  /** Sets the server's offer and answers it (ICE and DTLS start); then wait for `connected()`. */
  async answer(transport: TransportOptions, consumer: ConsumerOptions): Promise<void> {
    const local = waitFor<string>('local description', 10_000, (done) =>
      this.#pc.onLocalDescription((description) => done(description)),
    );
    this.#pc.setRemoteDescription(consumerOffer(transport, consumer), 'offer');
    checkLocalDescription(await local, this.#certificate, 'client');
  }

  /** Resolves when the track is open (ICE connected and DTLS-SRTP keys agreed). */
  connected(timeoutMs = 20_000): Promise<void> {
    const track = this.#track;
    if (track === undefined) return Promise.reject(new Error('the offer gave no track'));
    if (track.isOpen()) return Promise.resolve();
    return waitFor<undefined>('track open', timeoutMs, (done) => track.onOpen(() => done(undefined)));
  }

  #onPacket(packet: Buffer): void {
    if (packet.length < 12) return;
    const second = packet[1]!;
    if (second >= 192 && second <= 223) return; // RTCP (RFC 5761)
    const seq = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    const counters = this.counters;
    counters.received += 1;
    if (counters.highestSeq < 0) {
      counters.highestSeq = seq;
    } else {
      const cycles = counters.highestSeq - (counters.highestSeq & 0xffff);
      let extended = cycles + seq;
      const delta = extended - counters.highestSeq;
      if (delta < -0x8000) extended += 0x10000;
      else if (delta > 0x8000) extended -= 0x10000;
      if (extended > counters.highestSeq) counters.highestSeq = extended;
    }
    const transit = performance.now() * 48 - timestamp;
    if (!Number.isNaN(this.#lastTransit)) {
      let d = Math.abs(transit - this.#lastTransit);
      // Timestamps wrap at 2^32.
      if (d > 2 ** 31) d = Math.abs(d - 2 ** 32);
      counters.jitter += (d - counters.jitter) / 16;
    }
    this.#lastTransit = transit;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#track?.close();
    this.#pc.close();
  }
}

/** A talking peer: one send transport with a send-only Opus track whose packets the caller provides. */
export class TalkingPeer {
  readonly #pc: PeerConnection;
  readonly #track: Track;
  readonly ssrc: number;
  readonly payloadType: number;
  #closed = false;

  private constructor(name: string, certificate: PeerCertificate, payloadType: number, ssrc: number) {
    this.#pc = new PeerConnection(name, peerConfig(certificate));
    this.payloadType = payloadType;
    this.ssrc = ssrc;
    const audio = new Audio('0', 'SendOnly');
    audio.addOpusCodec(payloadType);
    audio.addSSRC(ssrc, `talker-${ssrc}`);
    this.#track = this.#pc.addTrack(audio);
  }

  /**
   * Creates the local offer; returns the peer, the DTLS parameters for `connectTransport` and the RTP
   * parameters for `produce`. Then call `accept(transport)` with the server's transport.
   */
  static async offer(
    name: string,
    certificate: PeerCertificate,
    payloadType: number,
    ssrc: number,
    opusParameters: Record<string, unknown>,
  ): Promise<{ peer: TalkingPeer; dtlsParameters: DtlsParameters; rtpParameters: RtpParameters }> {
    const peer = new TalkingPeer(name, certificate, payloadType, ssrc);
    const local = waitFor<string>('local description', 10_000, (done) =>
      peer.#pc.onLocalDescription((description) => done(description)),
    );
    peer.#pc.setLocalDescription();
    try {
      // The server's answer makes it the DTLS client (setup:active), this peer the server.
      checkLocalDescription(await local, certificate, 'server');
      return {
        peer,
        dtlsParameters: dtlsParameters(certificate, 'server'),
        rtpParameters: {
          codecs: [
            {
              mimeType: 'audio/opus',
              payloadType,
              clockRate: 48000,
              channels: 2,
              parameters: opusParameters,
            },
          ],
          encodings: [{ ssrc }],
          headerExtensions: [],
          rtcp: { cname: `talker-${ssrc}`, reducedSize: true },
        },
      };
    } catch (error) {
      peer.close();
      throw error;
    }
  }

  /** Sets the server's answer; resolves when the track is open. */
  async accept(transport: TransportOptions, opusParameters: Record<string, unknown>, timeoutMs = 20_000) {
    const open = waitFor<undefined>('talker track open', timeoutMs, (done) =>
      this.#track.onOpen(() => done(undefined)),
    );
    this.#pc.setRemoteDescription(
      producerAnswer(transport, this.payloadType, fmtp(opusParameters)),
      'answer',
    );
    await open;
  }

  /** Sends one RTP packet (encrypted with SRTP by the peer). */
  send(packet: Buffer): boolean {
    return !this.#closed && this.#track.isOpen() && this.#track.sendMessageBinary(packet);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#track.close();
    this.#pc.close();
  }
}
