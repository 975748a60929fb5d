import { pino } from 'pino';
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';

/**
 * Paths pino replaces with `[redacted]`. Request bodies are never logged at all; this list is
 * the second line of defence for anything that might carry a credential.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authKey',
  '*.currentAuthKey',
  '*.newAuthKey',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.wrappedAccountKey',
  '*.encBundle',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; standard output by default. */
  destination?: DestinationStream;
}

/** The server's JSON logger (pino), with redaction. */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'parley-server' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
