import { describe, expect, it } from 'vitest';
import type { FloorGrant } from '../../src/floor/FloorStore';
import { GrantView } from '../../src/floor/GrantView';

function grant(grantId: string, fence: number): FloorGrant {
  return {
    grantId,
    channelId: 'ch',
    fence,
    holder: { userId: grantId, displayName: grantId, sessionId: grantId, nodeId: 'node-1' },
    grantedAt: 0,
    expiresAt: 30_000,
  };
}

describe('GrantView', () => {
  it('lets a newer grant displace the one it knows', () => {
    const view = new GrantView();
    expect(view.take(grant('a', 1))).toEqual({ displaced: undefined });
    expect(view.take(grant('b', 2))).toEqual({ displaced: grant('a', 1) });
    expect(view.hasEnded('a')).toBe(true);
    expect(view.get('ch')?.grantId).toBe('b');
  });

  it('ignores an older grant heard after a newer one (a pre-empted press announced late)', () => {
    const view = new GrantView();
    // The pre-empting grant came first, from its command reply; the pre-empted one's "taken" from pub/sub.
    view.take(grant('emergency', 8));
    expect(view.take(grant('press', 7))).toBeNull();
    expect(view.get('ch')?.grantId).toBe('emergency');
    expect(view.hasEnded('press')).toBe(true);
    expect(view.take(grant('press', 7))).toBeNull();
  });
});
