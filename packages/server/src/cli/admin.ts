import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { resolveJwtSecret } from '../app/jwtSecret';
import { ConfigError, loadConfig } from '../config';
import { ControlPlane } from '../controlplane/ControlPlane';
import { ControlPlaneError } from '../controlplane/errors';
import { createLogger } from '../observability/logger';

const USAGE = `Usage: ./squelch admin create --email EMAIL --name "DISPLAY NAME" [--password-stdin]

Creates the first administrator of an empty database (a deployment started with SQUELCH_SEED_DEMO=false).
Uses the same configuration as the server (DATABASE_URL, SQUELCH_DATA_DIR, ...). With the embedded database,
run it while the server is stopped. Without --password-stdin a strong password is generated and printed once.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `admin create`: exit 0 created, 1 refused (users exist, weak password), 2 usage or configuration. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create') {
    process.stderr.write(USAGE);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const email = values.email?.trim();
  const name = values.name?.trim();
  if (email === undefined || email === '' || name === undefined || name === '') {
    process.stderr.write(`--email and --name are required.\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const generated = !values['password-stdin'];
  const password = generated ? randomBytes(18).toString('base64url') : await readStdin();
  const logger = createLogger('warn');
  const controlPlane = await ControlPlane.open({
    database: config.database,
    auth: { jwtSecret: await resolveJwtSecret(config.auth.jwtSecret, config.dataDir) },
    logger,
  });
  try {
    const admin = await controlPlane.bootstrapAdmin({ email, displayName: name, password });
    if (admin === null) {
      process.stderr.write(
        'The database already has users: sign in as an administrator and add admins on the Users page.\n',
      );
      return 1;
    }
    process.stdout.write(`Administrator created: ${admin.displayName} <${admin.email}>\n`);
    if (generated) process.stdout.write(`Password (shown only once): ${password}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ControlPlaneError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await controlPlane.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
