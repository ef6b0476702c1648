import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestNamespace {
  name: string;
  /** The host side of the veth pair (in the test's own namespace). */
  hostIp: string;
  /** The namespace side of the veth pair. */
  namespaceIp: string;
  /** An executable that runs Chromium inside the namespace (for Playwright's `executablePath`). */
  chromiumWrapper: string;
  /** Runs a command inside the namespace and returns its output. */
  exec(command: string[]): string;
  /**
   * Cuts the namespace off the network as a phone that lost its signal: nftables drops every packet in and
   * out of its veth (loopback stays), so nothing is refused or reset — the other side just hears nothing.
   */
  cut(): void;
  /** Packets dropped since `cut()` (both directions). */
  cutDrops(): number;
  /** Undoes `cut()`; idempotent. */
  restore(): void;
  /** Removes the namespace, the veth pair and the wrapper; idempotent, never throws. */
  remove(): void;
}

const run = (command: string, args: string[]): string =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A network namespace joined to the test's namespace by a veth pair on a private /30 picked at random (so
 * parallel test files do not collide), with only that pair's addresses and its own `lo`. With `blockUdp`,
 * nftables inside the namespace drops every UDP datagram in and out: a client there can use TCP only.
 * `cut()` drops every packet on the veth for a while, as a phone that lost its signal.
 * Needs root (`ip netns`, `nft`). Everything is removed by `remove()` (call it in `afterAll`), and also when
 * setting up fails half way.
 */
export function createNamespace(options: { blockUdp?: boolean } = {}): TestNamespace {
  const id = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 8);
  const name = `sqtest-${id}`;
  const hostIf = `sqh${id}`.slice(0, 15);
  const nsIf = `sqn${id}`.slice(0, 15);
  const second = 16 + Math.floor(Math.random() * 200);
  const third = Math.floor(Math.random() * 256);
  const fourth = Math.floor(Math.random() * 63) * 4;
  const hostIp = `10.${second}.${third}.${fourth + 1}`;
  const namespaceIp = `10.${second}.${third}.${fourth + 2}`;
  const wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'squelch-netns-'));
  const chromiumWrapper = path.join(wrapperDir, 'chromium');
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    // Deleting the namespace deletes its end of the pair, which deletes the host end too; be explicit anyway.
    for (const [command, args] of [
      ['ip', ['netns', 'delete', name]],
      ['ip', ['link', 'delete', hostIf]],
    ] as const) {
      try {
        run(command, [...args]);
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(wrapperDir, { recursive: true, force: true });
  };
  try {
    run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    run('ip', ['link', 'set', nsIf, 'netns', name]);
    run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    run('ip', ['link', 'set', hostIf, 'up']);
    const inside = (args: string[]) => run('ip', ['netns', 'exec', name, ...args]);
    inside(['ip', 'addr', 'add', `${namespaceIp}/30`, 'dev', nsIf]);
    inside(['ip', 'link', 'set', nsIf, 'up']);
    inside(['ip', 'link', 'set', 'lo', 'up']);
    inside(['ip', 'route', 'add', 'default', 'via', hostIp]);
    if (options.blockUdp === true) {
      inside([
        'nft',
        [
          'add table inet squelch_block_udp',
          'add chain inet squelch_block_udp in { type filter hook input priority 0 ; }',
          'add chain inet squelch_block_udp out { type filter hook output priority 0 ; }',
          // Loopback inside the namespace stays as it is (Chromium's own processes use it).
          'add rule inet squelch_block_udp in iifname != "lo" meta l4proto udp counter drop',
          'add rule inet squelch_block_udp out oifname != "lo" meta l4proto udp counter drop',
        ].join(' ; '),
      ]);
    }
    fs.writeFileSync(
      chromiumWrapper,
      `#!/bin/sh\nexec ip netns exec ${name} ${process.env.SQUELCH_CHROMIUM ?? '/usr/bin/chromium'} "$@"\n`,
      { mode: 0o755 },
    );
    let isCut = false;
    return {
      name,
      hostIp,
      namespaceIp,
      chromiumWrapper,
      exec: (command) => inside(command),
      cut() {
        if (isCut) return;
        inside([
          'nft',
          [
            'add table inet squelch_cut',
            'add chain inet squelch_cut in { type filter hook input priority -10 ; }',
            'add chain inet squelch_cut out { type filter hook output priority -10 ; }',
            'add rule inet squelch_cut in iifname != "lo" counter drop',
            'add rule inet squelch_cut out oifname != "lo" counter drop',
          ].join(' ; '),
        ]);
        isCut = true;
      },
      cutDrops() {
        if (!isCut) return 0;
        const listing = inside(['nft', 'list', 'table', 'inet', 'squelch_cut']);
        let total = 0;
        for (const match of listing.matchAll(/counter packets (\d+)/g)) total += Number(match[1]);
        return total;
      },
      restore() {
        if (!isCut) return;
        inside(['nft', 'delete', 'table', 'inet', 'squelch_cut']);
        isCut = false;
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}
