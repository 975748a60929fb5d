import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';
import type { TestServer } from './helpers.js';
import { handshake, makeCertificate, OPENSSL } from './tls-fixtures.js';

if (!OPENSSL) console.warn('skipping TLS tests: no openssl to make a test certificate');

describe.skipIf(!OPENSSL)('HTTPS', () => {
  let dir: string;
  let t: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-tls-'));
    const { cert, key } = makeCertificate(dir, { cn: '127.0.0.1', days: 1 });
    t = await startTestServer({ tlsCert: cert, tlsKey: key });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with TLS 1.3', async () => {
    expect(t.url).toMatch(/^https:\/\//);
    const port = Number(new URL(t.url).port);
    expect(await handshake(port, 'TLSv1.3')).toBe('TLSv1.3');
  });

  it('refuses TLS 1.2', async () => {
    const port = Number(new URL(t.url).port);
    await expect(handshake(port, 'TLSv1.2')).rejects.toThrow();
  });

  it('sends Strict-Transport-Security', async () => {
    const port = Number(new URL(t.url).port);
    const headers = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(headers).toMatch(/^HTTP\/1\.1 200/);
    expect(headers.toLowerCase()).toContain('strict-transport-security: max-age=31536000');
  });
});
