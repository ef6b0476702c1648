import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelRelay } from './ChannelRelay';

/**
 * The relay's gauges on the node's /metrics registry: pipes per direction, relayed channels, and per source
 * node the packets received, forwarded, dropped by the fence and lost on the way. `relay` is read at each
 * scrape (undefined on a node without Redis, or before the relay started: the gauges then read 0).
 */
export function registerRelayMetrics(registry: Registry, relay: () => ChannelRelay | undefined): void {
  new Gauge({
    name: 'squelch_relay_pipes',
    help: 'Open pipes between this node and each other node, by direction (in: receiving a channel, out: sending one)',
    labelNames: ['peer', 'direction'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [peer, counts] of relay()?.stats().pipesPerPeer ?? []) {
        this.set({ peer, direction: 'in' }, counts.in);
        this.set({ peer, direction: 'out' }, counts.out);
      }
    },
  });
  new Gauge({
    name: 'squelch_relay_channels',
    help: 'Channels whose stream on this node receives audio from another node',
    registers: [registry],
    collect() {
      this.set(relay()?.stats().relayedChannels ?? 0);
    },
  });
  new Gauge({
    name: 'squelch_relay_packets',
    help: 'Packets received from each source node through pipes, by outcome (received, forwarded, dropped)',
    labelNames: ['peer', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [peer, counters] of relay()?.stats().perPeer ?? []) {
        this.set({ peer, outcome: 'received' }, counters.received);
        this.set({ peer, outcome: 'forwarded' }, counters.forwarded);
        this.set({ peer, outcome: 'dropped' }, counters.dropped);
      }
    },
  });
  new Gauge({
    name: 'squelch_relay_packets_lost',
    help: 'Packets lost on the way from each source node through its open pipes (pipe receive stats)',
    labelNames: ['peer'],
    registers: [registry],
    async collect() {
      this.reset();
      const current = relay();
      if (current === undefined) return;
      for (const [peer, lost] of await current.lossPerPeer()) this.set({ peer }, lost);
    },
  });
}
