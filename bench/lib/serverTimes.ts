/**
 * Where a press's time goes, from the nodes' own /metrics: how long each node took from receiving a granted
 * floor request to answering it (the `squelch_floor_request_duration_seconds` histogram: the Redis script and
 * the talk gate). What the client measures beyond the server's own time is the sockets and the scheduling of the
 * processes involved (the bench's clients, the node) on the machine.
 */
import { httpsGet } from '../../e2e/support/httpsGet';

export interface ServerSnapshot {
  /** Cumulative granted-request counts by upper bound (seconds), summed over the nodes. */
  granted: Map<number, number>;
}

/** Scrapes every node's /metrics (open: the bench's nodes have no operator token). */
export async function scrape(urls: string[]): Promise<ServerSnapshot> {
  const granted = new Map<number, number>();
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
  }
  return { granted };
}

/** One line: the share of granted presses the nodes answered within each bound of their histogram. */
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
  return `server time to answer a granted press (n=${total}): ${shares.join(', ')}`;
}
