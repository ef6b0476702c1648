/**
 * Where a press's time goes, from the nodes' own /metrics: how long each node took from receiving a granted
 * floor request to answering it (the `squelch_floor_request_duration_seconds` histogram: the Redis script and
 * the talk gate), and how late each node's event loop ran (prom-client's event-loop delay, reset at every
 * scrape). What the client measures beyond the server's own time is the sockets and the scheduling of the
 * processes involved (client, node, Redis, media worker) on the machine.
 */
import { httpsGet } from '../../e2e/support/httpsGet';

export interface ServerSnapshot {
  /** Cumulative granted-request counts by upper bound (seconds), summed over the nodes. */
  granted: Map<number, number>;
  /** Per node: event-loop delay p50 / p99 / max since the previous scrape (ms). */
  loops: { p50: number; p99: number; max: number }[];
}

const metric = (text: string, name: string): number => {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match === null ? Number.NaN : Number(match[1]) * 1000;
};

/** Scrapes every node's /metrics (open: the bench's nodes have no operator token). */
export async function scrape(urls: string[]): Promise<ServerSnapshot> {
  const granted = new Map<number, number>();
  const loops: ServerSnapshot['loops'] = [];
  for (const url of urls) {
    const { status, text } = await httpsGet(`${url}/metrics`);
    if (status !== 200) throw new Error(`${url}/metrics answered ${status}`);
    for (const match of text.matchAll(/^squelch_floor_request_duration_seconds_bucket\{([^}]*)\} (\d+)$/gm)) {
      const labels = match[1] ?? '';
      if (!labels.includes('outcome="granted"')) continue;
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      granted.set(bound, (granted.get(bound) ?? 0) + Number(match[2]));
    }
    loops.push({
      p50: metric(text, 'squelch_nodejs_eventloop_lag_p50_seconds'),
      p99: metric(text, 'squelch_nodejs_eventloop_lag_p99_seconds'),
      max: metric(text, 'squelch_nodejs_eventloop_lag_max_seconds'),
    });
  }
  return { granted, loops };
}

/** One line: the share of granted presses each node answered within each bound, and its event-loop delay. */
export function describe(before: ServerSnapshot, after: ServerSnapshot): string {
  const bounds = [...after.granted.keys()].sort((a, b) => a - b);
  const total =
    (after.granted.get(Number.POSITIVE_INFINITY) ?? 0) - (before.granted.get(Number.POSITIVE_INFINITY) ?? 0);
  const shares = bounds
    .filter((bound) => Number.isFinite(bound))
    .map((bound) => {
      const within = (after.granted.get(bound) ?? 0) - (before.granted.get(bound) ?? 0);
      return `≤${bound * 1000} ms ${((100 * within) / Math.max(1, total)).toFixed(1)}%`;
    });
  const loops = after.loops
    .map(
      (loop, index) =>
        `node ${index + 1} p50 ${loop.p50.toFixed(1)} / p99 ${loop.p99.toFixed(1)} / max ${loop.max.toFixed(1)} ms`,
    )
    .join(', ');
  return `server time to answer a granted press (n=${total}): ${shares.join(', ')}\nevent-loop delay: ${loops}`;
}
