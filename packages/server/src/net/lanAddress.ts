import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/** Why no LAN address could be found; config.ts turns it into a ConfigError. */
export class LanAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LanAddressError';
  }
}

/**
 * The interface of the IPv4 default route in a Linux routing table as /proc/net/route prints it (destination
 * and mask 0, lowest metric first); undefined when there is no default route.
 */
export function defaultRouteInterface(routeTable: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of routeTable.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const [iface, destination, , flags, , , metric, mask] = fields;
    // RTF_UP (0x1): the route is usable.
    if (destination !== '00000000' || mask !== '00000000' || (Number.parseInt(flags ?? '0', 16) & 1) === 0)
      continue;
    const value = Number(metric);
    if (iface !== undefined && (best === undefined || value < best.metric)) best = { iface, metric: value };
  }
  return best?.iface;
}

/**
 * The machine's LAN address: the first IPv4 address of the interface that carries the default route — the
 * address phones and laptops on the same network reach this machine at. Throws LanAddressError with a
 * sentence saying what is missing.
 */
export function lanAddress(
  source: {
    routeTable?: () => string;
    interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  } = {},
): string {
  let table: string;
  try {
    table = (source.routeTable ?? (() => fs.readFileSync('/proc/net/route', 'utf8')))();
  } catch {
    throw new LanAddressError(
      'cannot read the routing table (/proc/net/route); give the address yourself: --lan=ADDRESS',
    );
  }
  const iface = defaultRouteInterface(table);
  if (iface === undefined) {
    throw new LanAddressError(
      'this machine has no default route, so no LAN address to use; connect it to a network or give the address: --lan=ADDRESS',
    );
  }
  const addresses = (source.interfaces ?? os.networkInterfaces)()[iface] ?? [];
  const ipv4 = addresses.find((address) => address.family === 'IPv4' && !address.internal);
  if (ipv4 === undefined) {
    throw new LanAddressError(
      `the default route's interface ${iface} has no IPv4 address; give the address yourself: --lan=ADDRESS`,
    );
  }
  return ipv4.address;
}

/** True for an IPv4 or IPv6 literal. */
export function isIpAddress(value: string): boolean {
  return net.isIP(value) !== 0;
}
