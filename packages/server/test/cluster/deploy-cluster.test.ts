/**
 * The multi-node deploy recipes (docs/scaling.md): the load-balancing nginx configuration
 * passes `nginx -t` and balances websocket-only clients without stickiness; the Compose file
 * and the systemd template wire every node to the same PostgreSQL, Redis and file storage.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, NGINX, OPENSSL, writeNginxMain } from '../tls-fixtures.js';

const DEPLOY = fileURLToPath(new URL('../../../../deploy/', import.meta.url));
if (!NGINX || !OPENSSL) {
  console.warn('skipping `nginx -t` of deploy/nginx/parley-cluster.conf: nginx or openssl missing');
}
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-deploy-cluster-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('deploy/nginx/parley-cluster.conf', () => {
  const conf = read('nginx/parley-cluster.conf');

  it('balances over several nodes without stickiness, and documents the sticky variant', () => {
    const upstream = /upstream parley_nodes \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    expect(upstream.match(/^\s*server 127\.0\.0\.1:\d+/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(upstream).toMatch(/^\s*least_conn;/m);
    expect(upstream).toMatch(/#\s*hash \$remote_addr consistent;/);
    expect(conf).toMatch(/proxy_next_upstream error timeout http_502 http_503;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    for (const [, seconds] of conf.matchAll(/proxy_(?:read|send)_timeout (\d+)s;/g)) {
      expect(Number(seconds)).toBeGreaterThan(45);
    }
  });

  it.skipIf(!NGINX || !OPENSSL)('passes nginx -t, as shipped and with sticky hashing', () => {
    const { cert, key } = makeCertificate(work, { cn: 'chat.example.com', days: 2 });
    const sticky = conf
      .replace(/^\s*least_conn;/m, '')
      .replace('# hash $remote_addr consistent;', 'hash $remote_addr consistent;');
    for (const variant of [conf, sticky]) {
      const site = variant
        .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert)
        .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', key);
      writeFileSync(join(work, 'site.conf'), site);
      const main = writeNginxMain(work, join(work, 'site.conf'));
      const run = spawnSync(NGINX!, ['-t', '-p', work, '-c', main], { encoding: 'utf8' });
      expect(run.stderr).toMatch(/syntax is ok/);
      expect(run.status, run.stderr).toBe(0);
    }
  });
});

describe('deploy/docker-compose.yml and deploy/systemd/parley@.service', () => {
  it('give every node the same PostgreSQL, Redis and shared file storage', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\//);
    expect(compose).toMatch(/REDIS_URL: redis:\/\//);
    expect(compose).toMatch(/replicas: 3/);
    expect(compose).toMatch(/files:\/srv\/parley\/files/);
    const unit = read('systemd/parley@.service');
    expect(unit).toMatch(/^Environment=PORT=%i$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/parley\/parley\.env$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });
});
