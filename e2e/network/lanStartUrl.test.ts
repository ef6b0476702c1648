import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../support/uiApp';
import { launchChromium } from '../support/browser';
import type { TestBrowser } from '../support/browser';
import { createNamespace } from '../support/netns';
import type { TestNamespace } from '../support/netns';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');

/**
 * What `./squelch start --lan` does once setup and the web build are done (`npm start -- --lan`): the server
 * process with nothing but `--lan` and a data directory, on a machine whose default route is a network the
 * test makes (a namespace whose only link is a veth pair). It finds its LAN address from that route, prints the
 * URL to open on a phone, and that URL opens the app: the certificate verifies for the address, the page is
 * the app and a demo account signs in through it.
 */
describe('the URL `./squelch start --lan` prints for phones', () => {
  let namespace: TestNamespace;
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let printedUrl: string;
  let chromium: TestBrowser | undefined;

  beforeAll(async () => {
    namespace = createNamespace();
    dataDir = await mkdtemp(path.join(tmpdir(), 'squelch-lan-'));
    // `ip netns exec` execs the command, so the child's pid is the server's own.
    child = spawn(
      'ip',
      ['netns', 'exec', namespace.name, process.execPath, '--import', 'tsx', MAIN, '--lan'],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? tmpdir(),
          SQUELCH_DATA_DIR: dataDir,
          SQUELCH_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const printed = /open (https:\/\/\S+)/.exec(output)?.[1];
      if (printed !== undefined) {
        printedUrl = printed;
        break;
      }
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`no URL printed within 90 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  afterAll(async () => {
    await chromium?.close();
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const kill = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    namespace?.remove();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it("prints the default route's address as the URL to open on a phone", () => {
    expect(output).toContain('LAN mode');
    expect(output).toContain(`On a phone or another computer on the same network, open ${printedUrl}`);
    const url = new URL(printedUrl);
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe(namespace.namespaceIp);
    expect(url.port).toBe('8443');
  });

  it('serves the app at that URL with a certificate that verifies for the address', async () => {
    const url = new URL(printedUrl);
    // The self-signed certificate, taken as it is offered...
    const certificate = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect(
        { host: url.hostname, port: Number(url.port), rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        },
      );
      socket.once('error', reject);
    });
    expect(certificate.subjectaltname).toContain(`IP Address:${namespace.namespaceIp}`);
    const pem = `-----BEGIN CERTIFICATE-----\n${certificate.raw.toString('base64')}\n-----END CERTIFICATE-----\n`;
    // ...then trusted (as a phone does once the person accepts it) with normal verification, which checks
    // that the certificate names the address the URL uses.
    const page = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      https
        .get(printedUrl, { ca: pem, rejectUnauthorized: true, timeout: 10_000 }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        })
        .once('error', reject);
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Squelch</title>');
    expect(page.text).toContain('<div id="root"></div>');
  });

  it('a demo account signs in through that URL in a browser', async () => {
    // Not a terminal: the seeded demo passwords are in the data directory, as the log says.
    const deadline = Date.now() + 10_000;
    while (!output.includes('demo-accounts.txt') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const accounts = await readFile(path.join(dataDir, 'demo-accounts.txt'), 'utf8');
    const guard = accounts
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find((fields) => fields[1] === 'guard1@squelch.local');
    expect(guard?.[2]).toBeTruthy();
    chromium = await launchChromium();
    const app = new AppPage(await chromium.page(printedUrl));
    await app.signIn({ email: guard![1]!, password: guard![2]! } as Parameters<AppPage['signIn']>[0]);
    expect(new URL(app.page.url()).host).toBe(new URL(printedUrl).host);
  });
});
