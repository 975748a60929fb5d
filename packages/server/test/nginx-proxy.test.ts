import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, until } from '../src/conversations/test-fixtures.js';
import { startTestServer } from './helpers.js';
import type { TestServer } from './helpers.js';
import { handshake, makeCertificate, NGINX, OPENSSL, writeNginxMain } from './tls-fixtures.js';

const CONF = fileURLToPath(new URL('../../../deploy/nginx/parley.conf', import.meta.url));
if (!NGINX || !OPENSSL) {
  console.warn('skipping the nginx proxy test: it needs nginx and openssl installed');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(
  port: number,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

/**
 * deploy/nginx/parley.conf in front of a real server: the shipped file with only its ports,
 * upstream and certificate paths changed, run by the real nginx.
 */
describe.skipIf(!NGINX || !OPENSSL)('deploy/nginx/parley.conf in front of a real server', () => {
  let work: string;
  let t: TestServer;
  let nginx: ChildProcess;
  let tlsPort: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'parley-nginx-'));
    t = await startTestServer({ trustProxy: 1 });
    const { cert, key } = makeCertificate(work, { cn: 'chat.example.com', days: 2 });
    tlsPort = await freePort();
    const httpPort = await freePort();
    const site = readFileSync(CONF, 'utf8')
      .replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert)
      .replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', key)
      .replace('server 127.0.0.1:3000;', `server ${new URL(t.url).host};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${tlsPort} ssl http2;`)
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace(/^\s*listen \[::\]:\d+.*$/gm, '');
    writeFileSync(join(work, 'parley.conf'), site);
    const main = writeNginxMain(work, join(work, 'parley.conf'), { daemon: false });
    nginx = spawn(NGINX!, ['-p', work, '-c', main], { stdio: 'ignore' });
    await until(() => existsSync(join(work, 'nginx.pid')), 10_000);
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = (await handshake(tlsPort, 'TLSv1.3').catch(() => 'down')) === 'TLSv1.3';
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up)
      throw new Error(`nginx did not start: ${readFileSync(join(work, 'error.log'), 'utf8')}`);
  });
  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await t?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('speaks TLS 1.3 only', async () => {
    expect(await handshake(tlsPort, 'TLSv1.3')).toBe('TLSv1.3');
    await expect(handshake(tlsPort, 'TLSv1.2')).rejects.toThrow();
  });

  it('proxies HTTP with HSTS and a request id, keeping the server headers', async () => {
    const res = await get(tlsPort, '/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('carries a Socket.io websocket through to the server', async () => {
    const user = await newUser(t);
    const socket = io(`https://127.0.0.1:${tlsPort}`, {
      auth: { token: user.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      rejectUnauthorized: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('websocket');
      const ack = (await socket.timeout(10_000).emitWithAck('sync', { cursors: [] })) as {
        ok: boolean;
      };
      expect(ack.ok).toBe(true);
    } finally {
      socket.close();
    }
  });
});
