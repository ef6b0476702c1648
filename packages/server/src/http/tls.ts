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

/**
 * The HTTPS certificate: the configured cert/key files (read again on every call, so a reload picks up renewed
 * files), or a self-signed certificate for localhost generated on first run and kept in the data directory (so
 * browsers only need to accept it once) — generated again when the cached one has expired, expires within
 * 30 days or cannot be read.
 */
export async function loadTls(
  options: { certFile: string | undefined; keyFile: string | undefined; dataDir: string },
  logger: Logger,
): Promise<TlsMaterial> {
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
    if (expiry - Date.now() > RENEW_BEFORE_MS) return { cert, key, source: 'cached' };
    logger.warn(
      { certPath, validTo: Number.isNaN(expiry) ? 'unreadable' : new Date(expiry).toISOString() },
      'the cached self-signed certificate has expired or expires soon; generating a new one',
    );
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
        ],
      },
    ],
  });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(certPath, pems.cert, { mode: 0o644 });
  await fs.writeFile(keyPath, pems.private, { mode: 0o600 });
  logger.info({ certPath }, 'generated a self-signed certificate for localhost');
  return { cert: pems.cert, key: pems.private, source: 'generated' };
}
