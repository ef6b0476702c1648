import type { IceServer } from '@squelch/protocol';
import type { Logger } from 'pino';
import type { TalkRecorder } from '../media/TalkRecorder';
import type { ChannelStreams } from '../media/ChannelStreams';
import { SessionMedia } from '../media/SessionMedia';
import type { SilenceOptions } from '../media/SilenceWatch';
import type { WorkerPool } from '../media/WorkerPool';

/** Creates a session's media on the least loaded live worker. */
export function createSessionMedia(options: {
  pool: WorkerPool;
  streams: ChannelStreams;
  iceServers: () => IceServer[];
  recorder?: TalkRecorder;
  talker: { userId: string; displayName: string };
  iceTransportPolicy?: 'all' | 'relay';
  logger: Logger;
  silence?: SilenceOptions;
}): SessionMedia {
  return new SessionMedia({
    worker: options.pool.leastLoaded(),
    streams: options.streams,
    iceServers: options.iceServers,
    ...(options.recorder !== undefined ? { recorder: options.recorder } : {}),
    talker: options.talker,
    iceTransportPolicy: options.iceTransportPolicy,
    logger: options.logger,
    ...(options.silence !== undefined ? { silence: options.silence } : {}),
  });
}
