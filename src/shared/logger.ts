import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/** Paths never written to the log: credentials, cookies, passwords. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  'body.password',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'tiep-suc-so' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
