import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import selfsigned from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { startNodeProcess } from '../support/floorNodeProcess';
import type { NodeProcess } from '../support/floorNodeProcess';
import { httpsRequest } from '../support/httpsGet';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN_CLI = path.join(REPO_ROOT, 'packages/server/src/cli/admin.ts');
const DAY = 86_400_000;
/**
 * Each test starts whole node processes (tsx, embedded database, media workers): 5-10 s on an idle machine,
 * measured up to 89 s on the shared test machine under heavy load. Startup time is not what these tests check.
 */
const NODE_START_MS = 150_000;

/** The certificate a TLS client is shown by the server now. */
function servedCertificate(url: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate(false).raw;
      socket.end();
      resolve(new X509Certificate(raw));
    });
    socket.once('error', reject);
  });
}

async function certificate(commonName: string, notBefore: Date, notAfter: Date) {
  const pems = await selfsigned.generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Operating a deployment: first administrator, demo accounts, certificates. Real node processes. */
describe('operator setup', { timeout: 2 * NODE_START_MS }, () => {
  const nodes: NodeProcess[] = [];
  const dirs: string[] = [];

  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), 'squelch-ops-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (env: Record<string, string>, dataDir?: string): Promise<NodeProcess> => {
    const node = await startNodeProcess({
      env,
      startTimeoutMs: NODE_START_MS,
      ...(dataDir !== undefined ? { dataDir } : {}),
    });
    nodes.push(node);
    return node;
  };

  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop('SIGKILL');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('creates the first administrator from the command line, without the demo event', async () => {
    const dataDir = await tempDir();
    const env = { ...process.env, SQUELCH_DATA_DIR: dataDir, SQUELCH_SEED_DEMO: 'false' };
    const run = (
      args: string[],
      input = '',
    ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', ADMIN_CLI, ...args], {
          cwd: REPO_ROOT,
          env,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });

    const weak = await run([
      'create',
      '--email',
      'ops@festival.example',
      '--name',
      'Ops Lead',
      '--password-stdin',
    ]);
    // No password on stdin: empty, refused by the policy; nothing created.
    expect(weak.code).toBe(1);
    const made = await run(['create', '--email', 'ops@festival.example', '--name', 'Ops Lead']);
    expect(made.code).toBe(0);
    const password = /Password \(shown only once\): (\S+)/.exec(made.stdout)?.[1];
    expect(password).toBeDefined();
    const again = await run(['create', '--email', 'second@festival.example', '--name', 'Second']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has users/);

    const node = await start({ SQUELCH_SEED_DEMO: 'false' }, dataDir);
    const login = await httpsRequest(`${node.url}/api/auth/login`, {
      method: 'POST',
      json: { email: 'ops@festival.example', password },
    });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.text) as { accessToken: string }).accessToken;
    const users = await httpsRequest(`${node.url}/api/users`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((JSON.parse(users.text) as { users: unknown[] }).users).toHaveLength(1);
    const events = await httpsRequest(`${node.url}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((JSON.parse(events.text) as { events: unknown[] }).events).toHaveLength(0);
  });

  it('keeps demo passwords out of the log stream: an owner-only file when there is no terminal', async () => {
    const node = await start({ SQUELCH_SEED_DEMO: 'true', SQUELCH_LOG_LEVEL: 'info' });
    const file = path.join(node.dataDir, 'demo-accounts.txt');
    // The file is written just after the node starts answering; on a busy machine the test can be first.
    await expect.poll(() => node.output().includes('demo-accounts.txt'), { timeout: 30_000 }).toBe(true);
    const contents = await readFile(file, 'utf8');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const admin = /admin\s+(\S+@\S+)\s+(\S+)/.exec(contents);
    expect(admin).not.toBeNull();
    const [, email, password] = admin!;
    expect(node.output()).toContain('demo-accounts.txt');
    expect(node.output()).not.toContain(password!);
    const login = await httpsRequest(`${node.url}/api/auth/login`, {
      method: 'POST',
      json: { email, password },
    });
    expect(login.status).toBe(200);
  });

  it('does not seed the demo event by default on PostgreSQL-style deployments', async () => {
    const { loadConfig } = await import('../../packages/server/src/config');
    expect(loadConfig({}, REPO_ROOT).seedDemo).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.internal/squelch' }, REPO_ROOT).seedDemo).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://db.internal/squelch', SQUELCH_SEED_DEMO: 'true' }, REPO_ROOT)
        .seedDemo,
    ).toBe(true);
  });

  it('regenerates a cached self-signed certificate that has expired', async () => {
    const dataDir = await tempDir();
    const expired = await certificate(
      'localhost',
      new Date(Date.now() - 400 * DAY),
      new Date(Date.now() - DAY),
    );
    await mkdir(path.join(dataDir, 'tls'), { recursive: true });
    await writeFile(path.join(dataDir, 'tls', 'self-signed.crt'), expired.cert);
    await writeFile(path.join(dataDir, 'tls', 'self-signed.key'), expired.key, { mode: 0o600 });

    const node = await start({}, dataDir);
    const served = await servedCertificate(node.url);
    expect(new Date(served.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
    const cached = new X509Certificate(await readFile(path.join(dataDir, 'tls', 'self-signed.crt')));
    expect(cached.fingerprint256).toBe(served.fingerprint256);
  });

  it('reloads operator certificate files on SIGHUP', async () => {
    const dir = await tempDir();
    const certFile = path.join(dir, 'server.crt');
    const keyFile = path.join(dir, 'server.key');
    const first = await certificate(
      'first.squelch.test',
      new Date(Date.now() - DAY),
      new Date(Date.now() + 90 * DAY),
    );
    const second = await certificate(
      'second.squelch.test',
      new Date(Date.now() - DAY),
      new Date(Date.now() + 90 * DAY),
    );
    await writeFile(certFile, first.cert);
    await writeFile(keyFile, first.key, { mode: 0o600 });

    const node = await start({ SQUELCH_TLS_CERT: certFile, SQUELCH_TLS_KEY: keyFile });
    expect((await servedCertificate(node.url)).subject).toContain('first.squelch.test');
    await writeFile(certFile, second.cert);
    await writeFile(keyFile, second.key, { mode: 0o600 });
    process.kill(node.pid, 'SIGHUP');
    await expect
      .poll(async () => (await servedCertificate(node.url)).subject, { timeout: 5000, interval: 200 })
      .toContain('second.squelch.test');
    // Still serving.
    expect((await httpsRequest(`${node.url}/healthz`)).status).toBe(200);
  });
});
