import type { TestServer } from './squelchServer';

/** Closes every signalling socket of a user with a "reconnect" close code, as a network drop would. */
export function dropConnections(server: TestServer, userId: string): number {
  let dropped = 0;
  for (const session of server.squelch.signalling.registry.all()) {
    if (session.identity.userId !== userId || session.connection === undefined) continue;
    session.connection.close(4001, 'test: connection dropped');
    dropped += 1;
  }
  return dropped;
}
