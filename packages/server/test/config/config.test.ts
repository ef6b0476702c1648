import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('gives the embedded defaults with no environment', () => {
    const config = loadConfig({}, '/srv/squelch');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8443 });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/srv/squelch/.data/db' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.media.opusPtime).toBe(20);
    expect(config.floor).toEqual({
      ttlMs: 30_000,
      maxDurationMs: 60_000,
      mediaTimeoutMs: 2000,
      firstPacketGraceMs: 1000,
    });
    expect(config.seedDemo).toBe(true);
    expect(config.security).toEqual({
      allowedOrigins: [],
      maxSocketsPerAddress: 500,
      maxSessionsPerUser: 10,
      trustProxy: false,
      apiRateLimitPerMinute: 1200,
      loginMaxPerAddress: 100,
      loginMaxPerAccount: 50,
      metricsToken: undefined,
      devPages: false,
    });
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

  it('reads the security settings and refuses malformed origins and proxy lists', () => {
    const config = loadConfig(
      {
        SQUELCH_ALLOWED_ORIGINS: 'https://console.example.org, https://radio.example.org:8443',
        SQUELCH_TRUST_PROXY: '127.0.0.1,10.0.0.0/8',
        SQUELCH_METRICS_TOKEN: 'a-long-operator-token',
      },
      '/',
    );
    expect(config.security.allowedOrigins).toEqual([
      'https://console.example.org',
      'https://radio.example.org:8443',
    ]);
    expect(config.security.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ SQUELCH_TRUST_PROXY: '2' }, '/').security.trustProxy).toBe(2);
    expect(() =>
      loadConfig(
        {
          SQUELCH_ALLOWED_ORIGINS: 'evil',
          SQUELCH_TRUST_PROXY: 'proxy.example.org',
          SQUELCH_METRICS_TOKEN: 'x',
        },
        '/',
      ),
    ).toThrow(/SQUELCH_ALLOWED_ORIGINS[\s\S]*SQUELCH_TRUST_PROXY|SQUELCH_METRICS_TOKEN/);
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

  it('announces the node at its public URL and checks the heartbeat against the node TTL', () => {
    const defaults = loadConfig({}, '/');
    expect(defaults.cluster).toEqual({ publicUrl: undefined, nodeTtlMs: 3000, heartbeatMs: 1000 });
    const given = loadConfig(
      {
        SQUELCH_PUBLIC_URL: 'https://radio-a.example.org/',
        SQUELCH_NODE_TTL_MS: '4000',
        SQUELCH_NODE_HEARTBEAT_MS: '2000',
      },
      '/',
    );
    expect(given.cluster).toEqual({
      publicUrl: 'https://radio-a.example.org',
      nodeTtlMs: 4000,
      heartbeatMs: 2000,
    });
    expect(() => loadConfig({ SQUELCH_NODE_TTL_MS: '3000', SQUELCH_NODE_HEARTBEAT_MS: '2000' }, '/')).toThrow(
      'SQUELCH_NODE_HEARTBEAT_MS must be at most half of SQUELCH_NODE_TTL_MS',
    );
    expect(() => loadConfig({ SQUELCH_PUBLIC_URL: 'radio-a' }, '/')).toThrow(/SQUELCH_PUBLIC_URL/);
  });
  it('pipes between nodes: listen and announced address, port range, SRTP; bad values named', () => {
    const defaults = loadConfig({}, '/');
    expect(defaults.pipe).toEqual({
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      portRange: { min: 50_000, max: 50_999 },
      srtp: false,
    });
    // Without pipe settings the pipes follow the WebRTC media addresses.
    const media = loadConfig(
      { SQUELCH_RTC_LISTEN_IP: '0.0.0.0', SQUELCH_RTC_ANNOUNCED_ADDRESS: '10.0.0.5' },
      '/',
    );
    expect(media.pipe).toMatchObject({ listenIp: '0.0.0.0', announcedAddress: '10.0.0.5' });
    const given = loadConfig(
      {
        SQUELCH_PIPE_LISTEN_IP: '10.1.0.7',
        SQUELCH_PIPE_ANNOUNCED_ADDRESS: 'node-a.internal',
        SQUELCH_PIPE_PORT_MIN: '41000',
        SQUELCH_PIPE_PORT_MAX: '41099',
        SQUELCH_PIPE_SRTP: 'true',
      },
      '/',
    );
    expect(given.pipe).toEqual({
      listenIp: '10.1.0.7',
      announcedAddress: 'node-a.internal',
      portRange: { min: 41_000, max: 41_099 },
      srtp: true,
    });
    expect(() => loadConfig({ SQUELCH_PIPE_PORT_MIN: '42000', SQUELCH_PIPE_PORT_MAX: '41000' }, '/')).toThrow(
      'SQUELCH_PIPE_PORT_MAX must not be below SQUELCH_PIPE_PORT_MIN',
    );
    expect(() => loadConfig({ SQUELCH_PIPE_PORT_MIN: '80' }, '/')).toThrow(
      'SQUELCH_PIPE_PORT_MIN must be at least 1024',
    );
    expect(loadConfig({ SQUELCH_PIPE_LISTEN_IP: '0.0.0.0' }, '/').pipe.listenIp).toBe('0.0.0.0'); // one node: no pipes
    expect(() =>
      loadConfig({ SQUELCH_PIPE_LISTEN_IP: '0.0.0.0', REDIS_URL: 'redis://127.0.0.1:6379' }, '/'),
    ).toThrow('SQUELCH_PIPE_ANNOUNCED_ADDRESS is required when pipes listen on 0.0.0.0');
    expect(() => loadConfig({ SQUELCH_PIPE_LISTEN_IP: 'node-a' }, '/')).toThrow(/SQUELCH_PIPE_LISTEN_IP/);
  });

  it("opens an emergency's microphone for 10 s, or a whole turn when turns are shorter; a set time must fit", () => {
    expect(loadConfig({}, '/').emergency.talkMs).toBe(10_000);
    expect(loadConfig({ SQUELCH_FLOOR_MAX_DURATION_MS: '2500' }, '/').emergency.talkMs).toBe(2500);
    expect(loadConfig({ SQUELCH_EMERGENCY_TALK_MS: '4000' }, '/').emergency.talkMs).toBe(4000);
    expect(() =>
      loadConfig({ SQUELCH_FLOOR_MAX_DURATION_MS: '2500', SQUELCH_EMERGENCY_TALK_MS: '4000' }, '/'),
    ).toThrow('SQUELCH_EMERGENCY_TALK_MS must be from 1000 to SQUELCH_FLOOR_MAX_DURATION_MS (2500)');
  });
});
