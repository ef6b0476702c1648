import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../support/httpsGet';
import type { HttpsAnswer } from '../support/httpsGet';
import { startTestServer } from '../support/squelchServer';
import type { TestServer, TestUser } from '../support/squelchServer';

const OPS_TOKEN = 'ops-token-for-the-test-0123456789';
/** Documentation addresses (RFC 5737): only ever header values here, never contacted. */
const CLIENT = (n: number): string => `203.0.113.${n}`;

const errorCode = (answer: HttpsAnswer): string | undefined =>
  (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;

/** HTTP edge of a real server: headers, dev pages, operator endpoints, rate limits, sign-in limits, proxies. */
describe('HTTP edge hardening', () => {
  // Behind a trusted proxy (loopback), with an operator token, tight limits and development pages off.
  let proxied: TestServer;
  // Defaults (no trusted proxy), with a tight per-address sign-in limit.
  let direct: TestServer;
  let proxiedUser: TestUser;
  let directUser: TestUser;

  beforeAll(async () => {
    proxied = await startTestServer({
      workers: 1,
      env: {
        SQUELCH_TRUST_PROXY: '127.0.0.1',
        SQUELCH_METRICS_TOKEN: OPS_TOKEN,
        SQUELCH_DEV_PAGES: 'false',
        SQUELCH_API_RATE_LIMIT: '40',
        SQUELCH_LOGIN_MAX_PER_ADDRESS: '5',
        SQUELCH_LOGIN_MAX_PER_ACCOUNT: '4',
      },
    });
    direct = await startTestServer({ workers: 1, env: { SQUELCH_LOGIN_MAX_PER_ADDRESS: '3' } });
    const a = await proxied.createChannels(['A']);
    proxiedUser = await proxied.createUser('Paula', a.eventId, [a.channels.A!]);
    const b = await direct.createChannels(['B']);
    directUser = await direct.createUser('Dora', b.eventId, [b.channels.B!]);
  });

  afterAll(async () => {
    await proxied?.stop();
    await direct?.stop();
  });

  const login = (server: TestServer, email: string, password: string, from?: string) =>
    httpsRequest(`${server.url}/api/auth/login`, {
      method: 'POST',
      json: { email, password },
      headers: from !== undefined ? { 'x-forwarded-for': from } : {},
    });

  it('sends security headers on the app, the API and static files', async () => {
    for (const path of ['/', '/api/me', '/healthz']) {
      const answer = await httpsRequest(`${direct.url}${path}`, {
        headers: { 'x-forwarded-for': CLIENT(200) },
      });
      const csp = String(answer.headers['content-security-policy']);
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(answer.headers['strict-transport-security'], path).toMatch(/max-age=\d+/);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('no-referrer');
      expect(answer.headers['x-frame-options'], path).toBe('DENY');
    }
  });

  it('serves lab.html and source maps only when development pages are on', async () => {
    const index = await httpsRequest(`${proxied.url}/`);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    expect((await httpsRequest(`${proxied.url}${script}`)).status).toBe(200);
    expect((await httpsRequest(`${proxied.url}/lab.html`)).status).toBe(404);
    expect((await httpsRequest(`${proxied.url}${script}.map`)).status).toBe(404);
    // The test servers of the rest of the suite turn them on.
    expect((await httpsRequest(`${direct.url}/lab.html`)).status).toBe(200);
    expect((await httpsRequest(`${direct.url}${script}.map`)).status).toBe(200);
  });

  it('guards /metrics and the OpenAPI document with the operator token when one is configured', async () => {
    for (const path of ['/metrics', '/api/openapi.json']) {
      const refused = await httpsRequest(`${proxied.url}${path}`, {
        headers: { 'x-forwarded-for': CLIENT(201) },
      });
      expect(refused.status, path).toBe(401);
      const wrong = await httpsRequest(`${proxied.url}${path}`, {
        headers: { authorization: 'Bearer not-the-token-at-all-0000000', 'x-forwarded-for': CLIENT(201) },
      });
      expect(wrong.status, path).toBe(401);
      const allowed = await httpsRequest(`${proxied.url}${path}`, {
        headers: { authorization: `Bearer ${OPS_TOKEN}`, 'x-forwarded-for': CLIENT(201) },
      });
      expect(allowed.status, path).toBe(200);
      // Without a token configured the endpoints stay open (private network deployments).
      expect((await httpsRequest(`${direct.url}${path}`)).status, path).toBe(200);
    }
  });

  it('rate limits the API per client address (the real address behind a trusted proxy)', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 45; index += 1) {
      const answer = await httpsRequest(`${proxied.url}/api/me`, {
        headers: { 'x-forwarded-for': CLIENT(10) },
      });
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(errorCode(answer)).toBe('rate_limited');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 40).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(40).every((status) => status === 429)).toBe(true);
    // Another client behind the same proxy is not affected.
    expect(
      (await httpsRequest(`${proxied.url}/api/me`, { headers: { 'x-forwarded-for': CLIENT(11) } })).status,
    ).toBe(401);
  });

  it('limits failed sign-ins per client address across e-mails (spraying)', async () => {
    for (let index = 0; index < 5; index += 1) {
      const answer = await login(proxied, `nobody${index}@spray.example`, 'wrong-password-x', CLIENT(20));
      expect(answer.status).toBe(401);
    }
    // Even the right password of a real account is refused from that address now...
    const blocked = await login(proxied, proxiedUser.email, proxiedUser.password, CLIENT(20));
    expect(blocked.status).toBe(429);
    expect(errorCode(blocked)).toBe('rate_limited');
    // ...while the person signs in from their own address.
    expect((await login(proxied, proxiedUser.email, proxiedUser.password, CLIENT(21))).status).toBe(200);
  });

  it('limits failed sign-ins per account across addresses, above the per-address limit of one guesser', async () => {
    const victim = 'victim@accounts.example';
    for (let index = 0; index < 4; index += 1) {
      expect((await login(proxied, victim, 'guess-number-x', CLIENT(30 + index))).status).toBe(401);
    }
    expect((await login(proxied, victim, 'guess-number-x', CLIENT(40))).status).toBe(429);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted: spoofed addresses share the real one', async () => {
    for (let index = 0; index < 3; index += 1) {
      expect(
        (await login(direct, `spoof${index}@spray.example`, 'wrong-password-x', CLIENT(50 + index))).status,
      ).toBe(401);
    }
    expect((await login(direct, directUser.email, directUser.password, CLIENT(60))).status).toBe(429);
  });
});
