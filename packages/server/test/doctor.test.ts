import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';
import { makeCertificate, OPENSSL } from './tls-fixtures.js';

const SETPRIV = '/usr/bin/setpriv';
const isRoot = process.getuid?.() === 0;
/** Root ignores permission bits: the unwritable-folder check runs as nobody then. */
const asNobody = isRoot ? [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
const canDropRoot = !isRoot || existsSync(SETPRIV);
if (!canDropRoot) console.warn('skipping the unwritable data folder test: root without setpriv');
if (!OPENSSL) console.warn('skipping doctor TLS certificate tests: no openssl');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-doctor-'));
  chmodSync(work, 0o755);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function freshDataDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const line = (stdout: string, subject: string) =>
  stdout.split('\n').filter((l) => l.includes(`${subject}:`));

describe('parley-server operator commands', () => {
  it('are listed in the main help, and each has its own', { timeout: 90_000 }, async () => {
    const commands = ['backup', 'restore', 'doctor', 'seed'];
    const [main, ...runs] = await Promise.all([
      runCommand(['--help']),
      ...commands.map((command) => runCommand([command, '--help'])),
    ]);
    for (const command of ['backup <file>', 'restore <file>', 'doctor', 'seed']) {
      expect(main!.stdout).toContain(command);
    }
    runs.forEach((run, i) => {
      expect(run.stdout).toContain(`Usage: parley-server ${commands[i]}`);
      expect(run.code).toBe(0);
    });
  });

  it('reject an unknown flag with status 2', async () => {
    const run = await runCommand(['doctor', '--colour']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--colour');
  });
});

describe('parley-server doctor', () => {
  it('reports no problems for a fresh, private data folder and exits 0', async () => {
    const run = await runCommand(['doctor', '--data-dir', freshDataDir('fine')]);
    expect(run.stdout).toContain('No problems found');
    expect(run.stdout).toMatch(/ok\s+free space: .* free on the disk/);
    expect(run.code).toBe(0);
  });

  it.skipIf(!canDropRoot)('flags a data folder the server cannot write to', async () => {
    const dir = freshDataDir('read-only');
    chmodSync(dir, 0o555);
    const run = await runCommand(['doctor', '--data-dir', dir], { prefix: asNobody });
    expect(line(run.stdout, 'data folder').join('\n')).toMatch(
      /PROBLEM\s+data folder: The server cannot write to .*read-only \(permission denied\)/,
    );
    expect(run.code).toBe(1);
  });

  it('flags a missing TLS file and names it', async () => {
    const missing = join(work, 'nope.pem');
    const run = await runCommand([
      'doctor',
      '--data-dir',
      freshDataDir('tls-missing'),
      '--tls-cert',
      missing,
      '--tls-key',
      missing,
    ]);
    expect(run.stdout).toContain(
      `PROBLEM  TLS certificate: Cannot read ${missing}: the file does not exist.`,
    );
    expect(run.code).toBe(1);
  });

  it('flags an unreachable Redis on a closed port', async () => {
    const port = await closedPort();
    const run = await runCommand(['doctor', '--data-dir', freshDataDir('redis-down')], {
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
    });
    expect(line(run.stdout, 'Redis')[0]).toMatch(
      new RegExp(
        `PROBLEM\\s+Redis: Cannot reach Redis at 127.0.0.1:${port} \\(connection refused\\)`,
      ),
    );
    expect(run.code).toBe(1);
  });

  it('flags an unreachable PostgreSQL on a closed port', async () => {
    const port = await closedPort();
    const run = await runCommand(['doctor', '--data-dir', freshDataDir('pg-down')], {
      env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` },
    });
    expect(line(run.stdout, 'PostgreSQL')[0]).toMatch(/PROBLEM\s+PostgreSQL: Cannot reach/);
    expect(run.code).toBe(1);
  });

  it('lists a wrong setting and still runs the other checks', async () => {
    const run = await runCommand(['doctor', '--data-dir', freshDataDir('bad-config')], {
      env: { LOG_LEVEL: 'chatty' },
    });
    expect(run.stdout).toMatch(/PROBLEM\s+configuration: LOG_LEVEL \(--log-level\)/);
    expect(run.stdout).toMatch(/ok\s+data folder: .* is writable/);
    expect(run.code).toBe(1);
  });

  it('warns about a data folder other users can read', async () => {
    const dir = freshDataDir('open');
    chmodSync(dir, 0o755);
    const run = await runCommand(['doctor', '--data-dir', dir]);
    expect(run.stdout).toMatch(/warning\s+data folder: .* can be read by other users/);
    expect(run.code).toBe(0);
  });

  describe.skipIf(!OPENSSL)('TLS files', () => {
    const make = (name: string, days: number) =>
      makeCertificate(work, { cn: 'localhost', days, prefix: `${name}-` });

    it('accepts a valid certificate with its key, and refuses a key of another one', async () => {
      const a = make('a', 30);
      const b = make('b', 30);
      const good = await runCommand([
        'doctor',
        '--data-dir',
        freshDataDir('tls-good'),
        '--tls-cert',
        a.cert,
        '--tls-key',
        a.key,
      ]);
      expect(good.stdout).toMatch(/ok\s+TLS certificate: CN=localhost, valid until/);
      expect(good.stdout).toMatch(/ok\s+TLS key: matches the certificate/);
      expect(good.code).toBe(0);
      const mixed = await runCommand([
        'doctor',
        '--data-dir',
        freshDataDir('tls-mixed'),
        '--tls-cert',
        a.cert,
        '--tls-key',
        b.key,
      ]);
      expect(mixed.stdout).toMatch(/PROBLEM\s+TLS key: .* does not belong to the certificate/);
      expect(mixed.code).toBe(1);
    });
  });

  const redisUrl = process.env.REDIS_URL;
  const databaseUrl = process.env.DATABASE_URL;
  if (!redisUrl) console.warn('skipping doctor against a live Redis: REDIS_URL is unset');
  if (!databaseUrl)
    console.warn('skipping doctor against a live PostgreSQL: DATABASE_URL is unset');

  it.skipIf(!redisUrl || !databaseUrl)('reaches the configured Redis and PostgreSQL', async () => {
    const run = await runCommand(['doctor', '--data-dir', freshDataDir('services')], {
      env: { REDIS_URL: redisUrl!, DATABASE_URL: databaseUrl! },
    });
    expect(line(run.stdout, 'Redis')[0]).toMatch(/ok\s+Redis: .* answers PING/);
    expect(line(run.stdout, 'PostgreSQL')[0]).toMatch(/ok\s+PostgreSQL: .* accepts connections/);
  });
});
