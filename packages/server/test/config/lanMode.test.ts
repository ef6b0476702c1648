import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { loadTls, namesAddress } from '../../src/http/tls';
import { defaultRouteInterface, LanAddressError, lanAddress } from '../../src/net/lanAddress';

// /proc/net/route as Linux prints it: a docker bridge, the Wi-Fi default route (metric 600), a wired default
// route with a lower metric (100), and a default route that is down (flags 0).
const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
  'eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'eth9\t00000000\t0100000A\t0002\t0\t0\t1\t00000000\t0\t0\t0',
  'wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0',
  '',
].join('\n');

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
  family === 'IPv4'
    ? { address, family, internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }
    : {
        address,
        family,
        internal,
        netmask: 'ffff:ffff:ffff:ffff::',
        mac: '00:00:00:00:00:00',
        cidr: null,
        scopeid: 0,
      };

describe('the LAN address', () => {
  it('is the IPv4 address of the usable default route with the lowest metric', () => {
    expect(defaultRouteInterface(ROUTES)).toBe('eth0');
    const address = lanAddress({
      routeTable: () => ROUTES,
      interfaces: () => ({
        eth0: [info('fe80::1', 'IPv6'), info('10.0.0.23', 'IPv4')],
        wlan0: [info('192.168.1.40', 'IPv4')],
      }),
    });
    expect(address).toBe('10.0.0.23');
  });

  it('says what is missing when there is no default route or no IPv4 address on it', () => {
    const noDefault = ROUTES.split('\n')
      .filter((line) => !line.includes('\t00000000\t0'))
      .join('\n');
    expect(defaultRouteInterface(noDefault)).toBeUndefined();
    expect(() => lanAddress({ routeTable: () => noDefault, interfaces: () => ({}) })).toThrow(
      /no default route.*--lan=ADDRESS/,
    );
    expect(() =>
      lanAddress({ routeTable: () => ROUTES, interfaces: () => ({ eth0: [info('fe80::1', 'IPv6')] }) }),
    ).toThrow(LanAddressError);
  });

  it('works on this machine (its default route has an IPv4 address)', () => {
    const address = lanAddress();
    const local = Object.values(os.networkInterfaces())
      .flat()
      .map((entry) => entry?.address);
    expect(local).toContain(address);
  });
});

describe('LAN mode configuration', () => {
  const base = { SQUELCH_DATA_DIR: '/tmp/squelch-lan-test' };

  it('--lan binds and announces HTTPS and media on the default route address and names it in the certificate', () => {
    const config = loadConfig(
      { ...base, SQUELCH_HOST: '127.0.0.1', SQUELCH_RTC_LISTEN_IP: '127.0.0.1' },
      '/',
      ['--lan'],
      () => '192.168.7.20',
    );
    expect(config.lan).toEqual({ address: '192.168.7.20' });
    expect(config.http.host).toBe('192.168.7.20');
    expect(config.http.certificateAddresses).toEqual(['192.168.7.20']);
    expect(config.media.listenIp).toBe('192.168.7.20');
    expect(config.media.announcedAddress).toBe('192.168.7.20');
  });

  it('--lan=ADDRESS and SQUELCH_LAN choose the address; off by default', () => {
    expect(loadConfig(base, '/', ['--lan=10.1.2.3']).lan).toEqual({ address: '10.1.2.3' });
    expect(loadConfig({ ...base, SQUELCH_LAN: '10.9.9.9' }, '/').media.listenIp).toBe('10.9.9.9');
    const off = loadConfig(base, '/');
    expect(off.lan).toBeUndefined();
    expect(off.http.certificateAddresses).toEqual([]);
    expect(off.media.listenIp).toBe('127.0.0.1');
  });

  it('refuses a bad address, an unknown option and a machine without a LAN address, with sentences', () => {
    const problems = (argv: string[], find: () => string = () => '10.0.0.1'): string[] => {
      try {
        loadConfig(base, '/', argv, find);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems(['--lan=phone'])).toEqual([
      'LAN mode: phone is not an IP address (use --lan, or --lan=ADDRESS like 192.168.1.20)',
    ]);
    expect(problems(['--verbose'])).toEqual([
      '--verbose: unknown option (the server takes --lan or --lan=ADDRESS)',
    ]);
    expect(
      problems(['--lan'], () => {
        throw new LanAddressError('this machine has no default route');
      }),
    ).toEqual(['LAN mode: this machine has no default route']);
  });
});

describe('the self-signed certificate in LAN mode', () => {
  it('names the LAN address, and a cached certificate without it is replaced', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-lan-tls-'));
    const logger = pino({ level: 'silent' });
    try {
      const plain = await loadTls({ certFile: undefined, keyFile: undefined, dataDir }, logger);
      expect(namesAddress(plain.cert, '127.0.0.1')).toBe(true);
      expect(namesAddress(plain.cert, '192.168.7.20')).toBe(false);
      const lan = await loadTls(
        { certFile: undefined, keyFile: undefined, dataDir, addresses: ['192.168.7.20'] },
        logger,
      );
      expect(lan.source).toBe('generated');
      expect(namesAddress(lan.cert, '192.168.7.20')).toBe(true);
      expect(namesAddress(lan.cert, '127.0.0.1')).toBe(true);
      const again = await loadTls(
        { certFile: undefined, keyFile: undefined, dataDir, addresses: ['192.168.7.20'] },
        logger,
      );
      expect(again.source).toBe('cached');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
