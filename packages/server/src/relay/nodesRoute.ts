import type { FastifyInstance } from 'fastify';
import type { NodeInfo } from './NodeRegistry';

/** The wire shape of GET /cluster/nodes. */
export interface ClusterNodesResponse {
  /** The node that answered. */
  self: string;
  /** Every live node (the answering one included), ordered by id. */
  nodes: { id: string; url: string }[];
}

/**
 * GET /cluster/nodes: the live nodes and the URLs clients reach them at, so the web app can keep its
 * failover list current. Public (like /readyz): it names only addresses clients are given anyway.
 */
export function registerNodesRoute(
  app: FastifyInstance,
  source: () => { self: string; nodes: NodeInfo[] },
): void {
  app.get('/cluster/nodes', (_request, reply) => {
    const { self, nodes } = source();
    const body: ClusterNodesResponse = { self, nodes: nodes.map(({ id, url }) => ({ id, url })) };
    // Any origin may read it: the web app asks the other nodes it knows when its own is gone.
    return reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*').send(body);
  });
}
