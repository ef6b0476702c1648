import pino from 'pino';
import type { Consumer } from 'mediasoup/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelStream } from '../../src/media/ChannelStream';
import { WorkerPool } from '../../src/media/WorkerPool';

function rtp(seq: number, ts: number, ssrc: number, payloadType: number): Buffer {
  const packet = Buffer.alloc(12 + 20);
  packet[0] = 0x80;
  packet[1] = payloadType;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(ts, 4);
  packet.writeUInt32BE(ssrc, 8);
  packet.fill(0x55, 12);
  return packet;
}

/**
 * Fencing at the enforcement point, with a real mediasoup worker: what a channel stream delivers to a
 * consumer of it when packets of an older grant keep arriving after a newer grant is known.
 */
describe('ChannelStream fencing', () => {
  let pool: WorkerPool;
  let stream: ChannelStream;
  let consumer: Consumer;
  let delivered = 0;
  let payloadType = 0;

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    pool = await WorkerPool.create({
      size: 1,
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      basePort: undefined,
      ptime: 20,
      logger,
    });
    const worker = pool.workers[0]!;
    stream = await ChannelStream.create({ channelId: 'fenced', home: worker, ptime: 20, logger });
    payloadType = stream.producer.rtpParameters.codecs[0]!.payloadType;
    consumer = await worker.directTransport.consume({
      producerId: stream.producer.id,
      rtpCapabilities: worker.router.rtpCapabilities,
    });
    consumer.on('rtp', () => {
      delivered += 1;
    });
  });

  afterAll(() => {
    stream?.close();
    pool?.close();
  });

  const send = async (grantId: string, fence: number, count: number, from: number): Promise<number> => {
    const before = delivered;
    for (let index = 0; index < count; index += 1) {
      stream.forward(rtp(from + index, (from + index) * 960, 0x1234, payloadType), grantId, fence);
    }
    // Packets travel Node → worker → Node; wait until the counts settle.
    let last = -1;
    while (last !== delivered) {
      last = delivered;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return delivered - before;
  };

  it('forwards the current grant, drops an older grant once a newer one is known, and forwards the newer', async () => {
    stream.noteFence(100);
    expect(await send('grant-100', 100, 20, 1)).toBe(20);

    // A newer grant exists (on this node or another): the old talker's late packets go nowhere.
    stream.noteFence(101);
    expect(await send('grant-100', 100, 20, 21)).toBe(0);
    expect(stream.staleDropped).toBe(20);
    expect(await send('grant-101', 101, 20, 41)).toBe(20);

    // The number never goes back: an even older grant stays refused, and so does a lower note.
    stream.noteFence(50);
    expect(stream.newestFence).toBe(101);
    expect(await send('grant-99', 99, 5, 61)).toBe(0);
  });
});
