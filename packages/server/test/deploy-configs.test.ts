import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, makeCertificate, NGINX, OPENSSL, writeNginxMain } from './tls-fixtures.js';

const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const CADDY = findBinary('/usr/bin/caddy', '/usr/local/bin/caddy');
const SYSTEMD_ANALYZE = findBinary('/usr/bin/systemd-analyze');
if (!NGINX) console.warn('skipping `nginx -t` of deploy/nginx/parley.conf: nginx is not installed');
if (!OPENSSL) console.warn('skipping `nginx -t`: no openssl to make a test certificate');
if (!CADDY)
  console.warn('skipping `caddy validate` of deploy/caddy/Caddyfile: caddy is not installed');
if (!SYSTEMD_ANALYZE) console.warn('skipping `systemd-analyze verify`: not installed');

const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-deploy-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('deploy/nginx/parley.conf', () => {
  const conf = read('nginx/parley.conf');

  it('allows TLS 1.3 only, upgrades websockets, and outlives Socket.io ping timeouts', () => {
    expect(conf).toMatch(/^\s*ssl_protocols TLSv1\.3;/m);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$parley_connection;/);
    expect(conf).toMatch(/Strict-Transport-Security/);
    for (const [, seconds] of conf.matchAll(/proxy_(?:read|send)_timeout (\d+)s;/g)) {
      expect(Number(seconds)).toBeGreaterThan(45);
    }
  });

  it.skipIf(!NGINX || !OPENSSL)('passes nginx -t', () => {
    const { cert, key } = makeCertificate(work, { cn: 'chat.example.com', days: 2 });
    // The same file, with the certificate paths pointed at a throwaway certificate.
    const site = conf
      .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert)
      .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', key);
    writeFileSync(join(work, 'parley.conf'), site);
    const main = writeNginxMain(work, join(work, 'parley.conf'));
    const run = spawnSync(NGINX!, ['-t', '-p', work, '-c', main], { encoding: 'utf8' });
    expect(run.stderr).toContain('test is successful');
    expect(run.status).toBe(0);
  });
});

describe('deploy/caddy/Caddyfile', () => {
  const caddyfile = read('caddy/Caddyfile');

  it('allows TLS 1.3 only and proxies to the loopback server', () => {
    expect(caddyfile).toMatch(/protocols tls1\.3/);
    expect(caddyfile).toMatch(/reverse_proxy 127\.0\.0\.1:3000/);
  });

  it.skipIf(!CADDY)('passes caddy validate', () => {
    const run = spawnSync(
      CADDY!,
      ['validate', '--config', join(DEPLOY, 'caddy/Caddyfile'), '--adapter', 'caddyfile'],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: work,
          XDG_DATA_HOME: work,
          XDG_CONFIG_HOME: work,
        },
      },
    );
    expect(run.stdout + run.stderr).toContain('Valid configuration');
    expect(run.status).toBe(0);
  });
});

describe('deploy/systemd/parley.service', () => {
  const unit = read('systemd/parley.service');

  it('runs as its own user, can write only the data folder, and drops privileges', () => {
    for (const line of [
      'User=parley',
      'StateDirectory=parley',
      'ReadWritePaths=/var/lib/parley',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'SystemCallFilter=@system-service',
      'KillSignal=SIGTERM',
    ]) {
      expect(unit).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });

  it.skipIf(!SYSTEMD_ANALYZE)('passes systemd-analyze verify', () => {
    const copy = join(work, 'parley.service');
    writeFileSync(copy, unit);
    const run = spawnSync(SYSTEMD_ANALYZE!, ['verify', copy], { encoding: 'utf8' });
    // Only the unit's own problems count (verify may also mention the host's other units).
    const own = run.stderr.split('\n').filter((l) => l.includes('parley.service'));
    expect(own.filter((l) => !/Command .* is not executable|not found/.test(l))).toEqual([]);
  });
});
