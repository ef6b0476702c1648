import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('gives the embedded defaults with no environment', () => {
    const config = loadConfig({}, '/srv/squelch');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8443 });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/srv/squelch/.data/db' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.media.opusPtime).toBe(20);
    expect(config.floor).toEqual({ ttlMs: 30_000, maxDurationMs: 60_000 });
    expect(config.turn).toBeUndefined();
    expect(config.media.workers).toBeGreaterThanOrEqual(1);
  });

  it('switches to PostgreSQL and Redis when their URLs are given', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://u:p@db:5432/squelch',
        REDIS_URL: 'redis://cache:6379',
        SQUELCH_OPUS_PTIME: '10',
      },
      '/',
    );
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/squelch' });
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.media.opusPtime).toBe(10);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig(
        {
          SQUELCH_PORT: 'eighty',
          SQUELCH_OPUS_PTIME: '60',
          SQUELCH_TLS_CERT: 'a.pem',
          SQUELCH_JWT_SECRET: 'short',
        },
        '/',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('SQUELCH_PORT');
    expect(problems).toContain('SQUELCH_OPUS_PTIME');
    expect(problems).toContain('SQUELCH_JWT_SECRET');
  });

  it('requires TLS cert and key together, and TURN URLs with a secret', () => {
    expect(() => loadConfig({ SQUELCH_TLS_KEY: 'k.pem' }, '/')).toThrow(
      /SQUELCH_TLS_CERT and SQUELCH_TLS_KEY/,
    );
    expect(() => loadConfig({ SQUELCH_TURN_URLS: 'turn:x:3478' }, '/')).toThrow(/SQUELCH_TURN_SECRET/);
    const config = loadConfig(
      { SQUELCH_TURN_URLS: 'turn:a:3478, turns:a:5349', SQUELCH_TURN_SECRET: 's3cret' },
      '/',
    );
    expect(config.turn?.urls).toEqual(['turn:a:3478', 'turns:a:5349']);
  });
});
