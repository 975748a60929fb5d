import net from 'node:net';
import tls from 'node:tls';
import { ok, problem } from './finding.js';
import type { Finding } from './finding.js';

/** How long a probe waits for a service before calling it unreachable. */
export const PROBE_TIMEOUT_MS = 3000;

interface Exchange {
  host: string;
  port: number;
  secure: boolean;
  /** Bytes to send once connected. */
  request: Buffer;
  /** Whether enough of the answer has arrived. */
  complete(received: Buffer): boolean;
}

/** Connects, sends one request and collects the answer (or fails with a plain-words reason). */
function exchange(x: Exchange, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = x.secure
      ? tls.connect({ host: x.host, port: x.port, servername: x.host })
      : net.connect({ host: x.host, port: x.port });
    const finish = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(received);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once(x.secure ? 'secureConnect' : 'connect', () => socket.write(x.request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (x.complete(received)) finish();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ECONNREFUSED'
          ? 'connection refused'
          : err.code === 'ENOTFOUND'
            ? 'unknown host name'
            : err.message;
      finish(new Error(why));
    });
    socket.once('end', () => finish(new Error('the connection was closed without an answer')));
  });
}

/** One RESP command (the Redis wire format). */
function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/**
 * Checks that the Redis at `url` answers `PING` (after `AUTH` when the URL has a password).
 * Speaks the protocol directly: doctor needs no Redis client library.
 */
export async function probeRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Finding> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 6379);
  const commands = u.password
    ? resp(
        'AUTH',
        ...(u.username ? [decodeURIComponent(u.username)] : []),
        decodeURIComponent(u.password),
      )
    : '';
  const expectedLines = u.password ? 2 : 1;
  try {
    const answer = await exchange(
      {
        host,
        port,
        secure: u.protocol === 'rediss:',
        request: Buffer.from(commands + resp('PING')),
        complete: (b) => b.toString('latin1').split('\r\n').length > expectedLines,
      },
      timeoutMs,
    );
    const lines = answer.toString('latin1').split('\r\n').filter(Boolean);
    const refusal = lines.find((l) => l.startsWith('-'));
    if (refusal)
      return problem(
        'Redis',
        `${host}:${port} answered but refused: ${refusal.slice(1)}. Check the password in REDIS_URL.`,
      );
    return ok('Redis', `${host}:${port} answers PING`);
  } catch (err) {
    return problem(
      'Redis',
      `Cannot reach Redis at ${host}:${port} (${(err as Error).message}). Is it running, and is REDIS_URL right?`,
    );
  }
}

function startupMessage(user: string, database: string): Buffer {
  const params = Buffer.from(
    `user\0${user}\0database\0${database}\0application_name\0parley-doctor\0\0`,
  );
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196_608, 4); // protocol 3.0
  return Buffer.concat([head, params]);
}

/** The `M` (message) field of a PostgreSQL ErrorResponse. */
function errorText(body: Buffer): string {
  for (const field of body.subarray(5).toString('utf8').split('\0')) {
    if (field.startsWith('M')) return field.slice(1);
  }
  return 'an error';
}

/**
 * Checks that the PostgreSQL at `url` accepts a connection to its database: it sends the
 * protocol's startup message and reads the first answer. An authentication request means the
 * server and database are there (the password itself is the server's to check at start); an
 * error (no such database, no such role, `pg_hba.conf` refusal) is reported in its own words.
 */
export async function probePostgres(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Finding> {
  const u = new URL(url);
  const host = decodeURIComponent(u.hostname).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(u.port || 5432);
  const user = decodeURIComponent(u.username) || 'postgres';
  const database = decodeURIComponent(u.pathname.slice(1)) || user;
  const where = `${host}:${port}/${database}`;
  try {
    const answer = await exchange(
      {
        host,
        port,
        secure: false,
        request: startupMessage(user, database),
        // A whole message, or at once when the first byte shows it is not PostgreSQL talking.
        complete: (b) =>
          b.length > 0 &&
          (!'ER'.includes(String.fromCharCode(b[0]!)) ||
            (b.length >= 5 && b.length >= 1 + b.readInt32BE(1))),
      },
      timeoutMs,
    );
    const type = String.fromCharCode(answer[0] ?? 0);
    if (type === 'E')
      return problem(
        'PostgreSQL',
        `${where} refused the connection: ${errorText(answer)}. Check DATABASE_URL.`,
      );
    if (type === 'R') return ok('PostgreSQL', `${where} accepts connections as ${user}`);
    return problem('PostgreSQL', `${where} did not answer like PostgreSQL.`);
  } catch (err) {
    return problem(
      'PostgreSQL',
      `Cannot reach PostgreSQL at ${host}:${port} (${(err as Error).message}). Is it running, and is DATABASE_URL right?`,
    );
  }
}
