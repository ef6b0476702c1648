import pino from 'pino';
import type { Logger } from 'pino';

/** The process logger: structured JSON lines on stdout. Modules take child loggers with their own fields. */
export function createLogger(level: string, name = 'squelch'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: ['token', 'password', '*.token', '*.password', 'authorization'], censor: '[redacted]' },
  });
}
