import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the web UI once before the browser tests, so they run against what `./squelch start` serves. The test
 * runner sets NODE_ENV=test, which would make Vite build the development variant (React's development build,
 * no service worker): the build is told it is production, as `npm run build` is.
 */
export default function setup(): void {
  if (process.env.SQUELCH_E2E_SKIP_BUILD === '1') return;
  const web = path.resolve(import.meta.dirname, '../../packages/web');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: web,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}
