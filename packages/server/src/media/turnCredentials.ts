import { createHmac } from 'node:crypto';
import type { IceServer } from '@squelch/protocol';

/**
 * Short-lived TURN credentials for coturn's `use-auth-secret` mode (the TURN REST scheme): the username is
 * "<expiry unix time>:<user id>" and the password is base64(HMAC-SHA1(secret, username)). coturn recomputes
 * the password from the shared secret, so no per-user state is needed and a leaked credential expires.
 */
export function turnIceServers(
  turn: { urls: string[]; secret: string; ttlSec: number },
  userId: string,
  nowMs = Date.now(),
): IceServer[] {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSec;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return [{ urls: turn.urls, username, credential }];
}
