import net from 'node:net';

/** The address browsers are told to send media to: the announced one, else the one mediasoup listens on. */
export function announcedMediaAddress(media: {
  listenIp: string;
  announcedAddress: string | undefined;
}): string {
  return media.announcedAddress ?? media.listenIp;
}

/**
 * Whether a media address is loopback (127.0.0.0/8, ::1, localhost). Such a server is reachable only from
 * browsers on the same machine, and even there desktop Firefox does not pair a loopback server candidate unless
 * its hidden `media.peerconnection.ice.loopback` preference is set: people get a silent radio.
 */
export function isLoopbackAddress(address: string): boolean {
  const host = address.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}
