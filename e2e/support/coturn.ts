import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../packages/server/test/support/freePort';

export interface Coturn {
  /** turn:127.0.0.1:<port>?transport=udp, …?transport=tcp and turns:127.0.0.1:<tls port>?transport=tcp. */
  urls: { udp: string; tcp: string; tls: string };
  port: number;
  tlsPort: number;
  secret: string;
  /** Everything coturn logged so far. */
  log(): string;
  /** The coturn configuration file as written (docs/operations.md shows the same settings). */
  config: string;
  stop(): Promise<void>;
}

/**
 * A real coturn (Debian's turnserver) on 127.0.0.1 with `use-auth-secret`: the TURN REST scheme Squelch's
 * credentials follow. Plain TURN over UDP and TCP on one port, TURN over TLS on another (a self-signed
 * certificate made here), relay ports from a small random range, loopback peers allowed (the SFU is on
 * 127.0.0.1). Its own directory, log on stdout, stopped by its pid.
 */
export async function startCoturn(
  options: { secret?: string; listenIp?: string; port?: number; tlsPort?: number } = {},
): Promise<Coturn> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'squelch-coturn-'));
  const listenIp = options.listenIp ?? '127.0.0.1';
  const secret = options.secret ?? `turn-secret-${Math.random().toString(36).slice(2)}`;
  const port = options.port ?? (await freePort());
  const tlsPort = options.tlsPort ?? (await freePort());
  const minPort = 49152 + Math.floor(Math.random() * 150) * 100;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=turn.squelch.test',
      '-addext',
      `subjectAltName=IP:${listenIp}`,
      '-keyout',
      path.join(dir, 'turn.key'),
      '-out',
      path.join(dir, 'turn.crt'),
    ],
    { stdio: 'ignore' },
  );
  const config = [
    `listening-ip=${listenIp}`,
    `relay-ip=${listenIp}`,
    `listening-port=${port}`,
    `tls-listening-port=${tlsPort}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 99}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=squelch.test',
    `cert=${path.join(dir, 'turn.crt')}`,
    `pkey=${path.join(dir, 'turn.key')}`,
    'fingerprint',
    'no-cli',
    'no-dtls',
    'no-multicast-peers',
    // The test's SFU is on 127.0.0.1; a real deployment leaves this out (see docs/operations.md).
    'allow-loopback-peers',
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
    '',
  ].join('\n');
  const configFile = path.join(dir, 'turnserver.conf');
  await fs.writeFile(configFile, config);
  let output = '';
  const child: ChildProcess = spawn('turnserver', ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(listenIp, port)) || !(await accepts(listenIp, tlsPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not start (is the coturn package installed?):\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    urls: {
      udp: `turn:${listenIp}:${port}?transport=udp`,
      tcp: `turn:${listenIp}:${port}?transport=tcp`,
      tls: `turns:${listenIp}:${tlsPort}?transport=tcp`,
    },
    port,
    tlsPort,
    secret,
    log: () => output,
    config,
    stop,
  };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
