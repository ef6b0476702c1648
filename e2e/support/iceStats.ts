// Brings the lab page's `window.lab` declaration into type checking.
import type {} from '../../packages/web/src/lab/main';
import type { Page } from 'playwright-core';

/** The local side of a transport's selected ICE candidate pair, as the browser's getStats() reports it. */
export interface SelectedCandidate {
  direction: 'send' | 'recv';
  candidateType: string;
  /** Transport between the browser and the server (or the TURN server): udp / tcp. */
  protocol: string;
  /** For a relay candidate: how the browser reaches the TURN server (udp / tcp / tls). */
  relayProtocol: string | undefined;
}

/** The selected candidate pair of each of the lab page's media transports. */
export async function selectedCandidates(page: Page): Promise<SelectedCandidate[]> {
  return page.evaluate(async () => {
    const link = window.lab.client()?.mediaLink;
    if (link === undefined) throw new Error('no media link');
    const found: {
      direction: 'send' | 'recv';
      candidateType: string;
      protocol: string;
      relayProtocol: string | undefined;
    }[] = [];
    for (const direction of ['send', 'recv'] as const) {
      const transport = link.transports[direction];
      if (transport === undefined) continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await transport.getStats()).forEach((stat: Record<string, unknown>) =>
        stats.set(String(stat.id), stat),
      );
      let pairId: unknown;
      for (const stat of stats.values()) if (stat.type === 'transport') pairId = stat.selectedCandidatePairId;
      const pair =
        (typeof pairId === 'string' ? stats.get(pairId) : undefined) ??
        [...stats.values()].find((stat) => stat.type === 'candidate-pair' && stat.nominated === true);
      const local = pair === undefined ? undefined : stats.get(String(pair.localCandidateId));
      if (local === undefined) continue;
      found.push({
        direction,
        candidateType: String(local.candidateType),
        protocol: String(local.protocol),
        relayProtocol: typeof local.relayProtocol === 'string' ? local.relayProtocol : undefined,
      });
    }
    return found;
  });
}
