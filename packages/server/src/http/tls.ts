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

/**
 * The HTTPS certificate: the configured cert/key files, or a self-signed certificate for localhost generated
 * on first run and kept in the data directory (so browsers only need to accept it once).
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
    return { cert, key, source: 'cached' };
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
