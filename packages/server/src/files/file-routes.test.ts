import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SendAck } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  changeMembers,
  createGroup,
  newUser,
  online,
  startEpoch,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';
import { download, listFiles, upload } from './test-fixtures.js';

let t: TestServer;
let alice: ChatUser;
let bob: ChatUser;
let carol: ChatUser;
let mallory: ChatUser;
let conv: TestConversation;
let socket: ChatSocket;

beforeAll(async () => {
  t = await startTestServer(RELAXED_LIMITS);
  [alice, bob, carol, mallory] = await Promise.all([
    newUser(t),
    newUser(t),
    newUser(t),
    newUser(t),
  ]);
  conv = await createGroup(t, alice, [bob, carol]);
  await startEpoch(t, alice, conv, [alice, bob, carol]);
  socket = await online(t, alice);
});

afterAll(async () => {
  socket.disconnect();
  await t.close();
});

async function uploaded(body: Uint8Array, by = alice, to = conv): Promise<string> {
  const res = await upload(t, by, to.id, body);
  const json = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json.id;
}

function sendWithFiles(fileIds: string[], sender = alice, s = socket): Promise<SendAck> {
  return s.timeout(10_000).emitWithAck('send', {
    conversationId: conv.id,
    clientMsgId: randomBytes(12).toString('base64url'),
    message: wire(conv, sender),
    fileIds,
  });
}

describe('file upload and download', () => {
  it('stores an upload and serves it to members once a message references it', async () => {
    const body = randomBytes(3000);
    const id = await uploaded(body);
    // Before the message: only the uploader.
    expect((await download(t, alice, id)).status).toBe(200);
    expect((await download(t, bob, id)).status).toBe(404);
    expect(await sendWithFiles([id])).toMatchObject({ ok: true });
    const res = await download(t, bob, id);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(body));
  });

  it('serves downloads as inert attachments whatever the bytes are', async () => {
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const id = await uploaded(html);
    const res = await download(t, alice, id);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}.bin"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers range requests with 206, suffix ranges, and 416 outside the file', async () => {
    const body = randomBytes(1000);
    const id = await uploaded(body);
    const part = await download(t, alice, id, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(
      new Uint8Array(body.subarray(100, 200)),
    );
    const tail = await download(t, alice, id, { range: 'bytes=-10' });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(new Uint8Array(body.subarray(990)));
    const open = await download(t, alice, id, { range: 'bytes=995-' });
    expect(open.headers.get('content-range')).toBe('bytes 995-999/1000');
    const outside = await download(t, alice, id, { range: 'bytes=1000-' });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */1000');
  });

  it('refuses downloads to non-members and to removed members, as for an unknown id', async () => {
    const id = await uploaded(randomBytes(100));
    await sendWithFiles([id]);
    expect((await download(t, mallory, id)).status).toBe(404);
    expect((await download(t, carol, id)).status).toBe(200);
    await changeMembers(t, alice, conv, 'remove', carol);
    await startEpoch(t, alice, conv, [alice, bob]);
    const res = await download(t, carol, id);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(await (await download(t, carol, 'A'.repeat(22))).json());
  });

  it('refuses to upload into a conversation the caller is not in', async () => {
    const res = await upload(t, mallory, conv.id, randomBytes(10));
    expect(res.status).toBe(404);
  });

  it('lets a message reference only the sender’s own finished uploads for this conversation, once', async () => {
    const bobs = await uploaded(randomBytes(10), bob);
    expect(await sendWithFiles([bobs])).toMatchObject({ ok: false, error: { field: 'fileIds' } });
    const mine = await uploaded(randomBytes(10));
    expect(await sendWithFiles([mine])).toMatchObject({ ok: true });
    expect(await sendWithFiles([mine])).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await sendWithFiles(['A'.repeat(22)])).toMatchObject({ ok: false });
  });

  it("deletes a message's files with the message, for its sender but not for another member", async () => {
    const id = await uploaded(randomBytes(10));
    const sent = await sendWithFiles([id]);
    expect(sent.ok).toBe(true);
    const msgId = (sent as { id: string }).id;
    const deleteAs = async (who: ChatUser, s: ChatSocket) => {
      const message = wire(conv, who);
      return s.timeout(10_000).emitWithAck('send', {
        conversationId: conv.id,
        clientMsgId: randomBytes(12).toString('base64url'),
        message: { ...message, header: { ...message.header, ctype: 'delete' } },
        redacts: msgId,
      });
    };
    const bobSocket = await online(t, bob);
    try {
      expect(await deleteAs(bob, bobSocket)).toMatchObject({ ok: true });
      expect((await download(t, bob, id)).status).toBe(200);
    } finally {
      bobSocket.disconnect();
    }
    expect(await deleteAs(alice, socket)).toMatchObject({ ok: true });
    expect((await download(t, bob, id)).status).toBe(404);
    expect(await t.server.context.store.findFile(id)).toBeUndefined();
  });

  it('re-attaches the files of a retried send (same clientMsgId) without error', async () => {
    const id = await uploaded(randomBytes(10));
    const request = {
      conversationId: conv.id,
      clientMsgId: randomBytes(12).toString('base64url'),
      message: wire(conv, alice),
      fileIds: [id],
    };
    const first = await socket.timeout(10_000).emitWithAck('send', request);
    const again = await socket.timeout(10_000).emitWithAck('send', request);
    expect(again).toEqual(first);
  });

  it('removes an own unsent upload on DELETE, and refuses a sent one', async () => {
    const id = await uploaded(randomBytes(10));
    const del = (user: ChatUser) =>
      t.fetch(`/api/v1/files/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${user.token}` },
      });
    expect((await del(bob)).status).toBe(404);
    expect((await del(alice)).status).toBe(204);
    expect((await download(t, alice, id)).status).toBe(404);
    const sent = await uploaded(randomBytes(10));
    await sendWithFiles([sent]);
    const res = await t.fetch(`/api/v1/files/${sent}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.status).toBe(409);
  });

  it('keeps names from the request out of the files folder: ../ and absolute paths go nowhere', async () => {
    const before = await listFiles(t.dataDir);
    const tricks = ['../../escape.txt', '/tmp/escape.txt', '..\\..\\escape.txt', 'a\u0000b'];
    for (const name of tricks) {
      const res = await upload(t, alice, conv.id, randomBytes(10), {
        headers: {
          'content-disposition': `attachment; filename="${encodeURIComponent(name)}"`,
          'x-file-name': encodeURIComponent(name),
        },
      });
      expect(res.status).toBe(201);
      const bad = await upload(t, alice, conv.id, randomBytes(10), { type: name });
      expect(bad.status).toBe(400);
    }
    for (const path of ['..%2F..%2Fparley.db', '%2Fetc%2Fpasswd', '..', '....//....//parley.db']) {
      expect([400, 404]).toContain((await download(t, alice, path)).status);
    }
    const after = await listFiles(t.dataDir);
    const added = after.filter((f) => !before.includes(f));
    expect(added.length).toBeGreaterThanOrEqual(tricks.length);
    for (const f of added) expect(f).toMatch(/^files\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
    expect(after.some((f) => f.includes('escape'))).toBe(false);
    expect(join(t.dataDir, 'files')).toBeTruthy();
  });

  it('completes ten concurrent uploads intact', async () => {
    const bodies = Array.from({ length: 10 }, () =>
      randomBytes(2000 + Math.floor(Math.random() * 1000)),
    );
    const ids = await Promise.all(bodies.map((b) => uploaded(b)));
    expect(new Set(ids).size).toBe(10);
    const back = await Promise.all(
      ids.map(async (id) => new Uint8Array(await (await download(t, alice, id)).arrayBuffer())),
    );
    back.forEach((b, i) => expect(b).toEqual(new Uint8Array(bodies[i]!)));
  });

  it('reports stored bytes in total and per user in /metrics', async () => {
    const text = await (await t.fetch('/metrics')).text();
    expect(text).toMatch(/^parley_files_stored_bytes \d+/m);
    expect(text).toContain(`parley_files_user_bytes{user="${alice.id}"}`);
    expect(text).toMatch(/parley_file_uploads_total\{outcome="stored"\} \d+/);
  });
});
