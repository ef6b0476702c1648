import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Builds the web UI once before the browser tests, so they run against what `./squelch start` serves. */
export default function setup(): void {
  if (process.env.SQUELCH_E2E_SKIP_BUILD === '1') return;
  const web = path.resolve(import.meta.dirname, '../../packages/web');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
}
