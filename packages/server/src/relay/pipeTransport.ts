import type { PipeTransport, Router, SrtpParameters } from 'mediasoup/types';
import type { PipeTuple } from './RelayBus';

/** Where this node's pipe ends listen (validated in config.ts). */
export interface PipeSettings {
  listenIp: string;
  announcedAddress: string | undefined;
  portRange: { min: number; max: number };
  srtp: boolean;
}

/** A UDP PipeTransport on `router` for one pipe between nodes (no RTX, no SCTP; SRTP when configured). */
export function createPipeTransport(router: Router, settings: PipeSettings): Promise<PipeTransport> {
  return router.createPipeTransport({
    listenInfo: {
      protocol: 'udp',
      ip: settings.listenIp,
      announcedAddress: settings.announcedAddress,
      portRange: settings.portRange,
    },
    enableSrtp: settings.srtp,
    enableRtx: false,
    enableSctp: false,
  });
}

/** The tuple the other node connects its end of the pipe to. */
export function localTuple(transport: PipeTransport): PipeTuple {
  const srtp = transport.srtpParameters;
  return {
    ip: transport.tuple.localAddress,
    port: transport.tuple.localPort,
    ...(srtp !== undefined ? { srtp: { cryptoSuite: srtp.cryptoSuite, keyBase64: srtp.keyBase64 } } : {}),
  };
}

/** Connects a pipe end to the other node's tuple. */
export async function connectPipe(transport: PipeTransport, remote: PipeTuple): Promise<void> {
  await transport.connect({
    ip: remote.ip,
    port: remote.port,
    ...(remote.srtp !== undefined ? { srtpParameters: remote.srtp as SrtpParameters } : {}),
  });
}
