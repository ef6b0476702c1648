import { announceDemoAccounts } from './app/demoAccounts';
import { lanModeBanner } from './app/lanMode';
import { Squelch } from './app/Squelch';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './observability/logger';

/** Process entry: configuration, logger, the server node, signal handling. Nothing else lives here. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.cwd(), process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const squelch = await Squelch.start(config, logger);
  if (config.lan !== undefined) process.stdout.write(lanModeBanner(squelch.url));
  if (squelch.seededAccounts !== null) {
    await announceDemoAccounts(squelch.seededAccounts, config.dataDir, squelch.url, logger);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    squelch.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGHUP', () => {
    squelch.reloadTls().catch((error: unknown) => logger.error({ err: error }, 'TLS reload failed'));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Squelch failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
