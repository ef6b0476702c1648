import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnIceServers } from '../../src/media/turnCredentials';

describe('turnIceServers', () => {
  it('makes coturn use-auth-secret credentials that expire after the TTL', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const [server] = turnIceServers(
      { urls: ['turn:turn.example:3478'], secret: 'shared', ttlSec: 600 },
      'user-1',
      now,
    );
    expect(server?.urls).toEqual(['turn:turn.example:3478']);
    const expiry = Math.floor(now / 1000) + 600;
    expect(server?.username).toBe(`${expiry}:user-1`);
    expect(server?.credential).toBe(createHmac('sha1', 'shared').update(`${expiry}:user-1`).digest('base64'));
  });
});
