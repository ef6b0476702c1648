import * as mediasoup from 'mediasoup';
import type { DirectTransport, Router, WebRtcServer, Worker } from 'mediasoup/types';
import type { Logger } from 'pino';
import { TypedEmitter } from '../util/TypedEmitter';
import { pttRouterCodecs } from './opus';
import type { OpusPtime } from './opus';

export interface MediaWorkerOptions {
  index: number;
  /** Local IP the WebRtcServer listens on. */
  listenIp: string;
  /** Address announced in ICE candidates (public IP or hostname); defaults to listenIp. */
  announcedAddress: string | undefined;
  /** UDP and TCP port of this worker's WebRtcServer; undefined picks a free one from the worker's range. */
  port: number | undefined;
  ptime: OpusPtime;
  logger: Logger;
}

export type MediaWorkerEvents = {
  /** The worker process died; every object on it is gone. */
  died: [Error];
};

/**
 * One mediasoup worker process (one CPU core) with what Squelch keeps on it:
 * a WebRtcServer (one UDP + TCP port for every client transport on this worker), one Router carrying the PTT
 * Opus codec, and one DirectTransport used for talker taps and channel-stream producers.
 *
 * Ownership: closing the MediaWorker closes the worker, which closes the router, the WebRtcServer and every
 * transport, producer and consumer on them (mediasoup's own cascade).
 */
export class MediaWorker {
  readonly index: number;
  readonly worker: Worker;
  readonly router: Router;
  readonly webRtcServer: WebRtcServer;
  readonly directTransport: DirectTransport;
  readonly events: TypedEmitter<MediaWorkerEvents>;
  /** Client transports currently placed on this worker (for least-loaded placement). */
  transports = 0;
  #closed = false;

  private constructor(
    index: number,
    worker: Worker,
    router: Router,
    webRtcServer: WebRtcServer,
    directTransport: DirectTransport,
    logger: Logger,
  ) {
    this.index = index;
    this.worker = worker;
    this.router = router;
    this.webRtcServer = webRtcServer;
    this.directTransport = directTransport;
    this.events = new TypedEmitter<MediaWorkerEvents>(logger);
    worker.on('died', (error) => {
      logger.error({ err: error, workerPid: worker.pid }, 'mediasoup worker died');
      this.#closed = true;
      this.events.emit('died', error);
    });
  }

  static async create(options: MediaWorkerOptions): Promise<MediaWorker> {
    const logger = options.logger.child({ worker: options.index });
    const worker = await mediasoup.createWorker({ logLevel: 'warn', appData: { index: options.index } });
    try {
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          {
            protocol: 'udp',
            ip: options.listenIp,
            announcedAddress: options.announcedAddress,
            port: options.port,
          },
          {
            protocol: 'tcp',
            ip: options.listenIp,
            announcedAddress: options.announcedAddress,
            port: options.port,
          },
        ],
      });
      const router = await worker.createRouter({ mediaCodecs: pttRouterCodecs(options.ptime) });
      const directTransport = await router.createDirectTransport();
      logger.info({ workerPid: worker.pid }, 'mediasoup worker started');
      return new MediaWorker(options.index, worker, router, webRtcServer, directTransport, logger);
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed || this.worker.closed;
  }

  get pid(): number {
    return this.worker.pid;
  }

  close(): void {
    if (this.#closed && this.worker.closed) return;
    this.#closed = true;
    this.worker.close();
    this.events.removeAllListeners();
  }
}
