import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/controlplane/auth/loginLimiter';
import { ControlPlaneError } from '../../src/controlplane/errors';

const refused = (fn: () => void): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ControlPlaneError && error.code === 'rate_limited') return error.retryAfterSec;
    throw error;
  }
};

describe('LoginLimiter', () => {
  it('limits failures per address across e-mails, and per account across addresses', () => {
    let now = 0;
    const limiter = new LoginLimiter(
      { maxAttempts: 100, windowSec: 60, maxFailuresPerAddress: 3, maxFailuresPerAccount: 5 },
      () => now,
    );
    for (let index = 0; index < 3; index += 1) {
      limiter.attempt('198.51.100.1', `a${index}@x.example`);
      limiter.failed('198.51.100.1', `a${index}@x.example`);
    }
    expect(refused(() => limiter.attempt('198.51.100.1', 'someone@x.example'))).toBe(60);
    expect(refused(() => limiter.attempt('198.51.100.2', 'someone@x.example'))).toBeUndefined();

    for (let index = 0; index < 5; index += 1) {
      limiter.attempt(`198.51.100.${10 + index}`, 'Victim@X.example');
      limiter.failed(`198.51.100.${10 + index}`, 'Victim@X.example');
    }
    expect(refused(() => limiter.attempt('198.51.100.99', 'victim@x.example'))).toBeGreaterThan(0);
    now = 61_000;
    expect(refused(() => limiter.attempt('198.51.100.99', 'victim@x.example'))).toBeUndefined();
    expect(refused(() => limiter.attempt('198.51.100.1', 'someone@x.example'))).toBeUndefined();
  });

  it('keeps memory bounded under a flood of distinct addresses and e-mails', () => {
    const limiter = new LoginLimiter({ maxAttempts: 10, windowSec: 300, maxKeys: 1000 });
    for (let index = 0; index < 20_000; index += 1) {
      const address = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
      limiter.attempt(address, `user${index}@flood.example`);
      limiter.failed(address, `user${index}@flood.example`);
    }
    const sizes = limiter.sizes();
    expect(sizes.pairs).toBeLessThanOrEqual(1000);
    expect(sizes.addresses).toBeLessThanOrEqual(1000);
    expect(sizes.accounts).toBeLessThanOrEqual(1000);
    expect(sizes.pairs).toBeGreaterThan(0);
  });
});
