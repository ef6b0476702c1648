/** Socket errors of a database connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs of a server that is shutting down, starting up or crashed (class 57P). */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03']);

/** What node-postgres says when a connection ends or cannot be made in time. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed/i;

/**
 * Whether an error means the database cannot be reached right now (refused, lost, timed out, shutting down),
 * as opposed to a query that failed on a working database. Callers turn these into `unavailable` for people
 * and keep going on what they know.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code)) return true;
    // Class 08: connection exceptions.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (
    error instanceof AggregateError &&
    error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))
  )
    return true;
  if (error instanceof Error) {
    if (LOST_CONNECTION.test(error.message)) return true;
    if (error.cause !== undefined) return isDatabaseUnavailable(error.cause, depth + 1);
  }
  return false;
}
