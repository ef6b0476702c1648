import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import selfsigned from 'selfsigned';
import type { Logger } from 'pino';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Where the certificate came from, for the start-up log. */
  source: 'configured' | 'generated' | 'cached';
}

/** A cached self-signed certificate is replaced when it expires within this time. */
export const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** When the certificate stops being valid (ms since the epoch); NaN when it cannot be read. */
export function certificateExpiry(certPem: string): number {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime();
  } catch {
    return Number.NaN;
  }
}

/** True when the certificate's subjectAltName lists the IP address. */
export function namesAddress(certPem: string, address: string): boolean {
  try {
    return new X509Certificate(certPem).checkIP(address) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The HTTPS certificate: the configured cert/key files (read again on every call, so a reload picks up renewed
 * files), or a self-signed certificate for localhost (and `addresses`) generated on first run and kept in the data directory (so
 * browsers only need to accept it once) — generated again when the cached one does not name every address, has expired, expires within
 * 30 days or cannot be read.
 */
export async function loadTls(
  options: {
    certFile: string | undefined;
    keyFile: string | undefined;
    dataDir: string;
    /** IP addresses the self-signed certificate must name besides localhost (LAN mode's address). */
    addresses?: readonly string[];
  },
  logger: Logger,
): Promise<TlsMaterial> {
  const addresses = options.addresses ?? [];
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    const [cert, key] = await Promise.all([
      fs.readFile(options.certFile, 'utf8'),
      fs.readFile(options.keyFile, 'utf8'),
    ]);
    return { cert, key, source: 'configured' };
  }
  const dir = path.join(options.dataDir, 'tls');
  const certPath = path.join(dir, 'self-signed.crt');
  const keyPath = path.join(dir, 'self-signed.key');
  try {
    const [cert, key] = await Promise.all([fs.readFile(certPath, 'utf8'), fs.readFile(keyPath, 'utf8')]);
    const expiry = certificateExpiry(cert);
    const missing = addresses.filter((address) => !namesAddress(cert, address));
    if (missing.length > 0) {
      logger.info({ certPath, missing }, 'the cached self-signed certificate does not name this address');
    } else if (expiry - Date.now() > RENEW_BEFORE_MS) {
      return { cert, key, source: 'cached' };
    } else {
      logger.warn(
        { certPath, validTo: Number.isNaN(expiry) ? 'unreadable' : new Date(expiry).toISOString() },
        'the cached self-signed certificate has expired or expires soon; generating a new one',
      );
    }
  } catch {
    // Not generated yet.
  }
  const notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          ...addresses.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(certPath, pems.cert, { mode: 0o644 });
  await fs.writeFile(keyPath, pems.private, { mode: 0o600 });
  logger.info({ certPath, addresses }, 'generated a self-signed certificate for localhost');
  return { cert: pems.cert, key: pems.private, source: 'generated' };
}
