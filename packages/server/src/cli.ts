#!/usr/bin/env node
import { FlagError, readFlags } from './cli-flags.js';
import { ConfigError, configFromEnv, parseConfig } from './config.js';
import type { ServerConfigInput } from './config.js';
import { isOperatorCommand } from './ops/commands.js';
import { createServer } from './server.js';
import { SERVER_VERSION } from './version.js';

const HELP = `parley-server ${SERVER_VERSION} — the Parley reference server

Usage: parley-server [options]            run the server
       parley-server <command> [options]  operator commands:
  backup <file>     online, consistent copy of the SQLite database (safe while serving)
  restore <file>    replace the database with a backup (the server must be stopped)
  doctor            check configuration, data folder, TLS files, Redis and PostgreSQL
  seed              create demo users and conversations on a running server (--url)
  Run parley-server <command> --help for its options.

Options (each also read from the environment variable shown; flags win):
  --port <n>               PORT             TCP port (default 3000; 0 picks a free one)
  --host <addr>            HOST             interface to bind (default 127.0.0.1)
  --data-dir <path>        DATA_DIR         SQLite database, audit log, files (default ./data)
  --database-url <url>     DATABASE_URL     postgres://... (unset: SQLite in DATA_DIR)
  --redis-url <url>        REDIS_URL        redis://... (unset: single node)
  --public-url <url>       PUBLIC_URL       the URL people reach this server at
  --allowed-origins <list> ALLOWED_ORIGINS  comma-separated sites allowed to embed the chat
  --tls-cert <file>        TLS_CERT         PEM certificate: serve HTTPS (TLS 1.3 minimum)
  --tls-key <file>         TLS_KEY          PEM private key for --tls-cert
  --log-level <level>      LOG_LEVEL        fatal|error|warn|info|debug|trace|silent (default info)
  --retention-days <n>     RETENTION_DAYS   delete encrypted messages older than n days (default: keep)
  -h, --help                                show this help
  -v, --version                             print the version

Other environment settings: TRUST_PROXY, MAX_JSON_BYTES, ACCESS_TOKEN_TTL_SEC,
REFRESH_TOKEN_TTL_SEC, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_USER, DATABASE_POOL_SIZE,
DATABASE_SCHEMA, REDIS_PREFIX (several nodes: docs/scaling.md). A wrong value is reported by name and the server exits with status 2.
`;

function fail(message: string): never {
  process.stderr.write(`parley-server: ${message}\n\nRun parley-server --help for the options.\n`);
  process.exit(2);
}

function readServerFlags(argv: string[]): {
  input: ServerConfigInput;
  help: boolean;
  version: boolean;
} {
  try {
    const { input, extra } = readFlags(argv, {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    });
    return { input, help: extra.help === true, version: extra.version === true };
  } catch (err) {
    if (err instanceof FlagError) fail(err.message);
    throw err;
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== undefined && isOperatorCommand(command)) {
    // Operator commands live in ops/ and are loaded only when asked for.
    const { runOperatorCommand } = await import('./ops/index.js');
    process.exitCode = await runOperatorCommand(command, rest);
    return;
  }
  const { input, help, version } = readServerFlags(process.argv.slice(2));
  if (help) {
    process.stdout.write(HELP);
    return;
  }
  if (version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  const merged: ServerConfigInput = { ...configFromEnv(process.env), ...input };
  try {
    parseConfig(merged);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  let server;
  try {
    server = await createServer(merged);
    await server.listen();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      fail(`cannot listen: ${(err as Error).message}`);
    throw err;
  }
  const running = server;
  process.stdout.write(`Parley is running at ${running.url} (data in ${running.config.dataDir})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.context.logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.context.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `parley-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
