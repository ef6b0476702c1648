import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { delay } from '../../src/util/delay';
import { describeOnBackends } from './helpers/backends';
import { ADMIN, openHarness, type Harness } from './helpers/harness';
import { buildWorld, type World } from './helpers/world';

const REFRESH = 'squelch_refresh';

function refreshCookieOf(response: LightMyRequestResponse) {
  return response.cookies.find((c) => c.name === REFRESH);
}

describeOnBackends('authentication', (backend) => {
  let h: Harness;
  let w: World;
  const extra: Harness[] = [];

  beforeAll(async () => {
    h = await openHarness(await backend.newDatabase(), {
      loginRateLimit: { maxAttempts: 3, windowSec: 60 },
      refreshRotationGraceSec: 0,
    });
    w = await buildWorld(h);
  });
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((x) => x.close()));
  });
  afterAll(async () => {
    await h?.close();
  });

  const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    h.request({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });
  const refresh = (cookie: string | undefined) =>
    h.request({
      method: 'POST',
      url: '/api/auth/refresh',
      ...(cookie !== undefined ? { cookies: { [REFRESH]: cookie } } : {}),
    });
  const me = (token: string) => h.request({ method: 'GET', url: '/api/me', token });

  describe('login', () => {
    it('returns an access token and sets the refresh cookie (httpOnly, Secure, SameSite=Strict, /api/auth)', async () => {
      const user = await w.createUser();
      const response = await login(user.email, user.password, '10.1.0.1');
      expect(response.statusCode).toBe(200);
      const session = response.json<{
        accessToken: string;
        expiresIn: number;
        user: { id: string; role: string };
      }>();
      expect(session.expiresIn).toBe(900);
      expect(session.user).toMatchObject({ id: user.id, role: 'general' });
      expect(response.headers['cache-control']).toBe('no-store');
      const cookie = refreshCookieOf(response);
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth' });
      expect(cookie?.value.length).toBeGreaterThan(30);
      expect((await me(session.accessToken)).statusCode).toBe(200);
    });

    it('accepts the e-mail address in any case', async () => {
      const user = await w.createUser();
      const response = await login(user.email.toUpperCase(), user.password, '10.1.0.2');
      expect(response.statusCode).toBe(200);
    });

    it('answers an unknown e-mail and a wrong password identically', async () => {
      const user = await w.createUser();
      const unknown = await login('nobody@test.example', 'whatever-password', '10.1.0.3');
      const wrong = await login(user.email, 'not-the-password', '10.1.0.3');
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.body).toBe(wrong.body);
      expect(unknown.json()).toEqual({
        error: { code: 'not_authenticated', message: 'E-mail address or password is incorrect.' },
      });
      expect(refreshCookieOf(wrong)).toBeUndefined();
    });

    it('refuses a disabled user, and only says so to someone who knows the password', async () => {
      const user = await w.createUser();
      await w.asAdmin({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: true } });
      const wrong = await login(user.email, 'not-the-password', '10.1.0.4');
      expect(wrong.json()).toMatchObject({ error: { code: 'not_authenticated' } });
      const right = await login(user.email, user.password, '10.1.0.4');
      expect(right.statusCode).toBe(403);
      expect(right.json()).toMatchObject({
        error: { code: 'forbidden', message: 'This account is disabled.' },
      });
    });

    it('rate limits attempts per client address and e-mail with a clear 429', async () => {
      const user = await w.createUser();
      const ip = '10.2.0.1';
      for (let i = 0; i < 3; i += 1)
        expect((await login(user.email, 'wrong-password', ip)).statusCode).toBe(401);
      const limited = await login(user.email, user.password, ip);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({
        error: { code: 'rate_limited', message: expect.stringMatching(/Try again/) as unknown },
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another address, or another e-mail from the same address, is counted separately.
      expect((await login(user.email, user.password, '10.2.0.2')).statusCode).toBe(200);
      const other = await w.createUser();
      expect((await login(other.email, other.password, ip)).statusCode).toBe(200);
    });

    it('limits unknown e-mail addresses the same way', async () => {
      const ip = '10.2.0.3';
      for (let i = 0; i < 3; i += 1)
        expect((await login('ghost@test.example', 'x', ip)).statusCode).toBe(401);
      expect((await login('ghost@test.example', 'x', ip)).statusCode).toBe(429);
    });

    it('a successful login clears the counter', async () => {
      const user = await w.createUser();
      const ip = '10.2.0.4';
      for (let i = 0; i < 2; i += 1) await login(user.email, 'wrong-password', ip);
      expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
      for (let i = 0; i < 2; i += 1)
        expect((await login(user.email, 'wrong-password', ip)).statusCode).toBe(401);
    });
  });

  describe('tokens and sessions', () => {
    it('refuses requests without, or with a garbled, access token', async () => {
      const none = await h.request({ method: 'GET', url: '/api/me' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ error: { code: 'not_authenticated' } });
      const garbled = await me('not.a.token');
      expect(garbled.statusCode).toBe(401);
      const tampered = `${w.tokens.general.slice(0, -2)}xx`;
      expect((await me(tampered)).statusCode).toBe(401);
    });

    it('an access token expires after its TTL; the refresh cookie gets a new one', async () => {
      // 3 s: long enough for the first request to come in time on a loaded machine.
      const short = await openHarness(await backend.newDatabase(), { accessTokenTtlSec: 3 });
      extra.push(short);
      const response = await short.request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: ADMIN.email, password: ADMIN.password },
      });
      const { accessToken, expiresIn } = response.json<{ accessToken: string; expiresIn: number }>();
      expect(expiresIn).toBe(3);
      expect((await short.request({ method: 'GET', url: '/api/me', token: accessToken })).statusCode).toBe(
        200,
      );
      await delay(4100);
      const expired = await short.request({ method: 'GET', url: '/api/me', token: accessToken });
      expect(expired.statusCode).toBe(401);
      expect(await short.cp.verifyAccessToken(accessToken)).toBeNull();

      const cookie = refreshCookieOf(response)?.value;
      const refreshed = await short.request({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { [REFRESH]: cookie ?? '' },
      });
      expect(refreshed.statusCode).toBe(200);
      const fresh = refreshed.json<{ accessToken: string }>().accessToken;
      expect((await short.request({ method: 'GET', url: '/api/me', token: fresh })).statusCode).toBe(200);
    });

    it('refresh rotates the cookie; reusing a rotated one ends the whole session', async () => {
      const user = await w.createUser();
      const first = refreshCookieOf(await login(user.email, user.password, '10.3.0.1'))?.value;
      const second = await refresh(first);
      expect(second.statusCode).toBe(200);
      const secondCookie = refreshCookieOf(second);
      expect(secondCookie).toMatchObject({
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        path: '/api/auth',
      });
      expect(secondCookie?.value).not.toBe(first);
      const third = await refresh(secondCookie?.value);
      expect(third.statusCode).toBe(200);

      // The first cookie was rotated away: presenting it again looks like theft.
      const reuse = await refresh(first);
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json()).toMatchObject({ error: { code: 'not_authenticated' } });
      expect(refreshCookieOf(third)?.value).toBeDefined();
      expect((await refresh(refreshCookieOf(third)?.value)).statusCode).toBe(401);
    });

    it('within the grace period a parallel refresh gets an access token without rotating again', async () => {
      const graceful = await openHarness(await backend.newDatabase(), { refreshRotationGraceSec: 30 });
      extra.push(graceful);
      const loggedIn = await graceful.request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: ADMIN.email, password: ADMIN.password },
      });
      const cookie = refreshCookieOf(loggedIn)?.value ?? '';
      const refreshOnce = () =>
        graceful.request({ method: 'POST', url: '/api/auth/refresh', cookies: { [REFRESH]: cookie } });
      const [a, b] = await Promise.all([refreshOnce(), refreshOnce()]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      const rotated = [a, b].filter(
        (r) => refreshCookieOf(r)?.value !== undefined && refreshCookieOf(r)?.value !== '',
      );
      expect(rotated).toHaveLength(1);
      const token = b.json<{ accessToken: string }>().accessToken;
      expect((await graceful.request({ method: 'GET', url: '/api/me', token })).statusCode).toBe(200);
    });

    it('refresh without a cookie, or with an unknown one, is refused and clears the cookie', async () => {
      const none = await refresh(undefined);
      expect(none.statusCode).toBe(401);
      const unknown = await refresh('bogus-token');
      expect(unknown.statusCode).toBe(401);
      expect(refreshCookieOf(unknown)?.value).toBe('');
    });

    it('logout revokes the refresh cookie', async () => {
      const user = await w.createUser();
      const cookie = refreshCookieOf(await login(user.email, user.password, '10.3.0.2'))?.value ?? '';
      const out = await h.request({
        method: 'POST',
        url: '/api/auth/logout',
        cookies: { [REFRESH]: cookie },
      });
      expect(out.statusCode).toBe(204);
      expect(refreshCookieOf(out)?.value).toBe('');
      expect((await refresh(cookie)).statusCode).toBe(401);
      // Logging out twice, or without a cookie, is harmless.
      expect(
        (await h.request({ method: 'POST', url: '/api/auth/logout', cookies: { [REFRESH]: cookie } }))
          .statusCode,
      ).toBe(204);
      expect((await h.request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    });
  });

  describe('admin password reset', () => {
    it('sets a new password and signs the user out everywhere', async () => {
      const user = await w.createUser();
      const loggedIn = await login(user.email, user.password, '10.4.0.1');
      const oldToken = loggedIn.json<{ accessToken: string }>().accessToken;
      const oldCookie = refreshCookieOf(loggedIn)?.value;
      // Access tokens carry their issue time in whole seconds; the reset must be a later second.
      await delay(1100);
      const reset = await h.request({
        method: 'POST',
        url: `/api/users/${user.id}/password`,
        payload: { password: 'brand-new-password' },
        token: w.tokens.admin,
      });
      expect(reset.statusCode).toBe(204);
      expect((await login(user.email, user.password, '10.4.0.1')).statusCode).toBe(401);
      expect((await login(user.email, 'brand-new-password', '10.4.0.1')).statusCode).toBe(200);
      expect((await refresh(oldCookie)).statusCode).toBe(401);
      expect((await me(oldToken)).statusCode).toBe(401);
    });

    it('refuses a password that is too short, naming the field', async () => {
      const user = await w.createUser();
      const reset = await h.request({
        method: 'POST',
        url: `/api/users/${user.id}/password`,
        payload: { password: 'short' },
        token: w.tokens.admin,
      });
      expect(reset.statusCode).toBe(400);
      expect(reset.json()).toMatchObject({ error: { code: 'bad_request', field: 'body.password' } });
    });
  });

  describe('password policy', () => {
    it('refuses common and guessable passwords with a sentence, on create and on reset', async () => {
      for (const password of ['password123', 'qwertyuiop', 'letmein2024', 'festival1']) {
        const created = await h.request({
          method: 'POST',
          url: '/api/users',
          payload: { email: `weak-${password}@test.example`, displayName: 'Weak', password },
          token: w.tokens.admin,
        });
        expect(created.statusCode, password).toBe(400);
        expect(created.json(), password).toMatchObject({
          error: { code: 'bad_request', message: expect.stringMatching(/too weak/) as unknown },
        });
      }
      const user = await w.createUser();
      const reset = await h.request({
        method: 'POST',
        url: `/api/users/${user.id}/password`,
        payload: { password: 'password1234' },
        token: w.tokens.admin,
      });
      expect(reset.statusCode).toBe(400);
      expect((await login(user.email, user.password, '10.9.0.1')).statusCode).toBe(200);
    });

    it("refuses a password built from the person's own name and e-mail", async () => {
      const created = await h.request({
        method: 'POST',
        url: '/api/users',
        payload: {
          email: 'margarethe.stevenson@test.example',
          displayName: 'Margarethe',
          password: 'margarethe1',
        },
        token: w.tokens.admin,
      });
      expect(created.statusCode).toBe(400);
    });
  });

  describe('changing my own password', () => {
    const change = (
      token: string,
      currentPassword: string,
      newPassword: string,
      remoteAddress = '10.8.0.1',
    ) =>
      h.request({
        method: 'POST',
        url: '/api/me/password',
        payload: { currentPassword, newPassword },
        token,
        remoteAddress,
      });

    it('needs the current password, applies the policy, ends other sessions and keeps this one', async () => {
      const user = await w.createUser();
      const elsewhere = await login(user.email, user.password, '10.8.1.1');
      const otherCookie = refreshCookieOf(elsewhere)?.value;
      const otherToken = elsewhere.json<{ accessToken: string }>().accessToken;
      const here = await login(user.email, user.password, '10.8.1.2');
      const token = here.json<{ accessToken: string }>().accessToken;
      // Tokens are compared in whole seconds: let the change happen in a later second than the sign-ins.
      await delay(1100);

      const wrong = await change(token, 'not-my-password', 'a-fresh-strong-passphrase');
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json()).toMatchObject({
        error: { code: 'forbidden', message: 'The current password is incorrect.' },
      });
      const weak = await change(token, user.password, 'password123');
      expect(weak.statusCode).toBe(400);
      expect(weak.json()).toMatchObject({ error: { code: 'bad_request' } });
      const same = await change(token, user.password, user.password);
      expect(same.statusCode).toBe(400);

      const changed = await change(token, user.password, 'a-fresh-strong-passphrase');
      expect(changed.statusCode).toBe(200);
      const fresh = changed.json<{ accessToken: string }>().accessToken;
      expect(refreshCookieOf(changed)?.value.length).toBeGreaterThan(30);
      expect((await me(fresh)).statusCode).toBe(200);
      // The other device is signed out; the old password no longer works, the new one does.
      expect((await me(otherToken)).statusCode).toBe(401);
      expect((await refresh(otherCookie)).statusCode).toBe(401);
      expect((await login(user.email, user.password, '10.8.1.3')).statusCode).toBe(401);
      expect((await login(user.email, 'a-fresh-strong-passphrase', '10.8.1.3')).statusCode).toBe(200);

      const audit = await w.asAdmin({ method: 'GET', url: '/api/audit?limit=5' });
      expect(JSON.stringify(audit.json())).toContain('user.password_changed');
    });

    it('rate limits guesses of the current password', async () => {
      const user = await w.createUser();
      const token = await h.login(user.email, user.password);
      const statuses: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        statuses.push(
          (await change(token, `guess-${index}`, 'another-strong-passphrase', '10.8.2.1')).statusCode,
        );
      }
      expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    });

    it('needs a signed-in caller', async () => {
      const anonymous = await h.request({
        method: 'POST',
        url: '/api/me/password',
        payload: { currentPassword: 'x', newPassword: 'another-strong-passphrase' },
      });
      expect(anonymous.statusCode).toBe(401);
    });
  });

  describe('verifyAccessToken', () => {
    it('gives the identity with the current role, and null for disabled users and garbage', async () => {
      expect(await h.cp.verifyAccessToken(w.tokens.dispatchA)).toEqual({
        userId: w.users.dispatchA.id,
        displayName: expect.any(String) as unknown,
        role: 'dispatch',
      });
      expect(await h.cp.verifyAccessToken(w.tokens.admin)).toMatchObject({ role: 'admin' });
      expect(await h.cp.verifyAccessToken(w.tokens.general)).toMatchObject({ role: 'general' });
      expect(await h.cp.verifyAccessToken('garbage')).toBeNull();

      const user = await w.createUser();
      const token = await h.login(user.email, user.password);
      expect(await h.cp.verifyAccessToken(token)).toMatchObject({ userId: user.id });
      await w.asAdmin({ method: 'PATCH', url: `/api/users/${user.id}`, payload: { disabled: true } });
      expect(await h.cp.verifyAccessToken(token)).toBeNull();
      expect((await me(token)).statusCode).toBe(401);
    });
  });

  describe('logging', () => {
    it('never writes passwords or tokens to the log', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logged = await openHarness(await backend.newDatabase(), {}, pino({ level: 'trace' }, sink));
      extra.push(logged);
      const secrets: string[] = [ADMIN.password];
      const signIn = await logged.request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: ADMIN.email, password: ADMIN.password },
      });
      const token = signIn.json<{ accessToken: string }>().accessToken;
      const cookie = refreshCookieOf(signIn)?.value ?? '';
      secrets.push(token, cookie);
      const refreshed = await logged.request({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { [REFRESH]: cookie },
      });
      secrets.push(
        refreshed.json<{ accessToken: string }>().accessToken,
        refreshCookieOf(refreshed)?.value ?? '',
      );
      const created = await logged.request({
        method: 'POST',
        url: '/api/users',
        payload: { email: 'logged@test.example', displayName: 'Logged', password: 'first-secret-password' },
        token,
      });
      const userId = created.json<{ id: string }>().id;
      await logged.request({
        method: 'POST',
        url: `/api/users/${userId}/password`,
        payload: { password: 'second-secret-password' },
        token,
      });
      await logged.request({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'logged@test.example', password: 'wrong-secret-password' },
      });
      secrets.push('first-secret-password', 'second-secret-password', 'wrong-secret-password');

      const log = lines.join('');
      expect(log).toContain('signed in');
      expect(log).toContain('login refused');
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(5);
        expect(log).not.toContain(secret);
      }
    });
  });
});
