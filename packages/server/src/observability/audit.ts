import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { REDACT_PATHS } from './logger.js';

/** One security-relevant event: who did what, from where. Never carries secrets. */
export interface AuditEvent {
  /** Dotted name, e.g. `login.success`, `login.failure`, `refresh.reuse_detected`. */
  event: string;
  userId?: string;
  ip?: string;
  [key: string]: unknown;
}

/** The security audit log, separate from the operational log so it can be kept and shipped apart. */
export interface AuditLog {
  write(event: AuditEvent): void;
  /** Flushes buffered lines (called on shutdown). */
  flush(): void;
}

/** An audit log writing JSON lines to `destination` (default `<dataDir>/audit.log`, mode 0600). */
export function createAuditLog(options: {
  dataDir: string;
  destination?: DestinationStream;
}): AuditLog {
  let destination = options.destination;
  if (!destination) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    destination = pino.destination({
      dest: join(options.dataDir, 'audit.log'),
      append: true,
      mkdir: true,
      sync: false,
      mode: 0o600,
    });
  }
  const logger: Logger = pino(
    {
      base: { log: 'audit' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  return {
    write(event) {
      logger.info(event);
    },
    flush() {
      logger.flush();
    },
  };
}
