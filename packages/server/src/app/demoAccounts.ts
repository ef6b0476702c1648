import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DemoAccount } from '../controlplane/demoSeed';

/** Where the demo accounts are written when there is no terminal to show them on. */
export const DEMO_ACCOUNTS_FILE = 'demo-accounts.txt';

/**
 * Tells the person who started Squelch the demo passwords without putting them in the log stream: on a
 * terminal they are printed there once; otherwise (a service manager, a pipe into a log collector) they go to
 * a file in the data directory that only the owner can read, and the log says where.
 */
export async function announceDemoAccounts(
  accounts: readonly DemoAccount[],
  dataDir: string,
  url: string,
  logger: Logger,
  terminal: boolean = process.stdout.isTTY,
): Promise<void> {
  const lines = accounts.map(
    (account) =>
      `  ${account.role.padEnd(9)} ${account.email.padEnd(32)} ${account.password}  (${account.displayName})`,
  );
  if (terminal) {
    process.stdout.write(
      `\nDemo event seeded. These passwords are shown only once:\n${lines.join('\n')}\n\nOpen ${url}\n\n`,
    );
    return;
  }
  const file = path.join(dataDir, DEMO_ACCOUNTS_FILE);
  await fs.writeFile(file, `Demo accounts of ${url}\n${lines.join('\n')}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600);
  logger.warn({ file }, 'demo event seeded; its accounts are in this file (readable by the owner only)');
}
