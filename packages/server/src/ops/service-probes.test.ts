import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probePostgres, probeRedis } from './service-probes.js';

/** A TCP server on a free port that answers every connection with `reply(firstChunk)`. */
async function fakeService(reply: (request: Buffer) => Buffer | null): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.once('data', (chunk) => {
      const answer = reply(chunk);
      if (answer) socket.write(answer);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

/** A PostgreSQL ErrorResponse with the given message. */
function pgError(message: string): Buffer {
  const body = Buffer.from(`SFATAL\0C3D000\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

describe('service probes', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });
  const start = async (reply: (request: Buffer) => Buffer | null) => {
    const server = await fakeService(reply);
    servers.push(server);
    return portOf(server);
  };

  it('accepts a Redis that answers PING, and sends AUTH first when the URL has a password', async () => {
    let seen = '';
    const port = await start((req) => {
      seen = req.toString();
      return Buffer.from(seen.includes('AUTH') ? '+OK\r\n+PONG\r\n' : '+PONG\r\n');
    });
    expect((await probeRedis(`redis://127.0.0.1:${port}`)).severity).toBe('ok');
    const withPassword = await probeRedis(`redis://:s3cret@127.0.0.1:${port}`);
    expect(withPassword.severity).toBe('ok');
    expect(seen).toContain('$4\r\nAUTH\r\n$6\r\ns3cret\r\n');
  });

  it('reports a Redis that refuses the password in its own words', async () => {
    const port = await start(() => Buffer.from('-WRONGPASS invalid password\r\n-NOAUTH\r\n'));
    const finding = await probeRedis(`redis://:nope@127.0.0.1:${port}`);
    expect(finding).toMatchObject({ severity: 'problem', subject: 'Redis' });
    expect(finding.message).toContain('refused: WRONGPASS invalid password');
  });

  it('gives up on a service that never answers', async () => {
    const port = await start(() => null);
    const finding = await probeRedis(`redis://127.0.0.1:${port}`, 200);
    expect(finding.message).toMatch(/no answer within 200 ms/);
  });

  it('reports PostgreSQL errors (no such database) and accepts an authentication request', async () => {
    const missing = await start(() => pgError('database "nope" does not exist'));
    const finding = await probePostgres(`postgres://app@127.0.0.1:${missing}/nope`);
    expect(finding.message).toContain('refused the connection: database "nope" does not exist');

    const auth = Buffer.alloc(9);
    auth.write('R', 0);
    auth.writeInt32BE(8, 1);
    auth.writeInt32BE(10, 5); // SASL: a password is asked for
    const ok = await start(() => auth);
    expect((await probePostgres(`postgres://app@127.0.0.1:${ok}/db`)).severity).toBe('ok');
  });

  it('does not take something else for PostgreSQL', async () => {
    const port = await start(() => Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const finding = await probePostgres(`postgres://app@127.0.0.1:${port}/db`, 5000);
    expect(finding).toMatchObject({ severity: 'problem' });
    expect(finding.message).toContain('did not answer like PostgreSQL');
  });
});
