import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/controlplane/auth/passwordHasher';
import { NO_PASSWORD } from '../../src/controlplane/roster/RosterService';

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
};

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'Tr0ub4dor&3')).toBe(false);
  });

  it('refuses every password for an account without one, even the marker itself', async () => {
    expect(await hasher.verify(NO_PASSWORD, NO_PASSWORD)).toBe(false);
    expect(await hasher.verify(NO_PASSWORD, '')).toBe(false);
  });

  it('spends a real verification on an account without a password, so its answer does not give it away', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    await hasher.warmUp();
    const wrong: number[] = [];
    const none: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      wrong.push(await timed(() => hasher.verify(stored, 'a wrong guess')));
      none.push(await timed(() => hasher.verify(NO_PASSWORD, 'a wrong guess')));
    }
    // Without the dummy check the no-password answer takes microseconds against tens of milliseconds: a ratio
    // far below 0.3. With it, both are one argon2id verification (ratio about 1).
    expect(median(none) / median(wrong)).toBeGreaterThan(0.3);
  });
});
