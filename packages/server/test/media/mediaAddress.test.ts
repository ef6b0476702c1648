import { describe, expect, it } from 'vitest';
import { announcedMediaAddress, isLoopbackAddress } from '../../src/media/mediaAddress';

describe('media address', () => {
  it('recognises loopback addresses and names, and nothing else', () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      'localhost',
      'radio.localhost',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of [
      '192.168.1.20',
      '10.0.0.1',
      '0.0.0.0',
      'fe80::1',
      'radio.example.org',
      '128.0.0.1',
    ])
      expect(isLoopbackAddress(address), address).toBe(false);
  });

  it('the announced address wins over the listen address', () => {
    expect(announcedMediaAddress({ listenIp: '0.0.0.0', announcedAddress: '203.0.113.7' })).toBe(
      '203.0.113.7',
    );
    expect(announcedMediaAddress({ listenIp: '127.0.0.1', announcedAddress: undefined })).toBe('127.0.0.1');
  });
});
