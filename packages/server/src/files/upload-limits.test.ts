import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { RELAXED_LIMITS, createGroup, newUser } from '../conversations/test-fixtures.js';
import type { ChatUser, TestConversation } from '../conversations/test-fixtures.js';
import { removeUnreferencedFiles } from './file-cleanup.js';
import { fileService } from './file-service.js';
import { listFiles, rawUpload, upload } from './test-fixtures.js';

const LIMIT = 4096;
let t: TestServer;
let alice: ChatUser;
let bob: ChatUser;
let conv: TestConversation;
let clock = Date.now();

beforeAll(async () => {
  t = await startTestServer({
    ...RELAXED_LIMITS,
    now: () => clock,
    files: {
      maxUploadBytes: LIMIT,
      quotaBytes: 3 * LIMIT,
      allowedTypes: ['image/*', 'application/pdf'],
      graceSec: 60,
      uploads: { points: 1000, durationSec: 60 },
    },
  });
  [alice, bob] = await Promise.all([newUser(t), newUser(t)]);
  conv = await createGroup(t, alice, [bob]);
});

afterAll(async () => {
  await t.close();
});

const blobs = () => listFiles(join(t.dataDir, 'files'));
const records = () => t.server.context.store.fileTotals(100).then((totals) => totals.files);

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

/** Nothing on disk and no record beyond what was there: the failure left no trace. */
async function expectNoTrace(before: { blobs: string[]; records: number }): Promise<void> {
  expect(await blobs()).toEqual(before.blobs);
  expect(await records()).toBe(before.records);
}

/** Waits (up to 5 s) for the server to finish cleaning up, then checks there is no trace. */
async function settled(before: { blobs: string[]; records: number }): Promise<void> {
  let same = false;
  const poll = async () => {
    same =
      JSON.stringify(await blobs()) === JSON.stringify(before.blobs) &&
      (await records()) === before.records;
  };
  for (let i = 0; i < 100 && !same; i++) {
    await poll();
    if (!same) await new Promise((r) => setTimeout(r, 50));
  }
  await expectNoTrace(before);
}

async function snapshot() {
  return { blobs: await blobs(), records: await records() };
}

describe('upload limits', () => {
  it('accepts an upload of exactly the limit', async () => {
    const res = await upload(t, alice, conv.id, randomBytes(LIMIT));
    expect(res.status).toBe(201);
  });

  it('rejects an upload one byte over the limit before reading it, leaving nothing', async () => {
    const before = await snapshot();
    const res = await upload(t, bob, conv.id, randomBytes(LIMIT + 1));
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('payload_too_large');
    await expectNoTrace(before);
  });

  it('cuts off a body longer than its declared size at the first extra byte, leaving nothing', async () => {
    const before = await snapshot();
    const path = `/api/v1/files?conversationId=${conv.id}&size=100&type=image/png`;
    const outcome = await rawUpload(
      t,
      bob,
      path,
      [randomBytes(80), randomBytes(80), randomBytes(80)],
      'end',
    );
    expect([413, 'reset']).toContain(outcome);
    await settled(before);
  });

  it('fails an upload aborted mid-stream and removes what was written', async () => {
    const before = await snapshot();
    const path = `/api/v1/files?conversationId=${conv.id}&size=${LIMIT}&type=image/png`;
    await rawUpload(t, bob, path, [randomBytes(1000), randomBytes(1000)], 'abort');
    await settled(before);
  });

  it('fails a body shorter than declared with invalid_input, leaving nothing', async () => {
    const before = await snapshot();
    const path = `/api/v1/files?conversationId=${conv.id}&size=500&type=image/png`;
    expect(await rawUpload(t, bob, path, [randomBytes(100)], 'end')).toBe(400);
    await expectNoTrace(before);
  });

  it('gives typed errors for a missing body, a wrong content type, a bad query and a refused type', async () => {
    const before = await snapshot();
    const noBody = await t.fetch(`/api/v1/files?conversationId=${conv.id}&size=10&type=image/png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/octet-stream' },
    });
    expect(noBody.status).toBe(400);
    expect(await errorCode(noBody)).toBe('invalid_input');
    const json = await upload(t, bob, conv.id, new TextEncoder().encode('{"a":1}'), {
      contentType: 'application/json',
    });
    expect(await errorCode(json)).toBe('unsupported_media_type');
    const multipart = await upload(t, bob, conv.id, randomBytes(10), {
      contentType: 'multipart/form-data; boundary=x',
    });
    expect(multipart.status).toBe(415);
    const html = await upload(t, bob, conv.id, randomBytes(10), { type: 'text/html' });
    expect(html.status).toBe(415);
    const badSize = await upload(t, bob, conv.id, randomBytes(10), { size: -1 });
    expect(await errorCode(badSize)).toBe('invalid_input');
    await expectNoTrace(before);
  });

  it('refuses an upload over the quota with quota_exceeded, counting stored files', async () => {
    const before = await snapshot();
    const carol = await newUser(t);
    const own = await createGroup(t, carol, []);
    for (let i = 0; i < 3; i++) {
      expect((await upload(t, carol, own.id, randomBytes(LIMIT))).status).toBe(201);
    }
    const res = await upload(t, carol, own.id, randomBytes(1));
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('quota_exceeded');
    const limits = await t.fetch('/api/v1/files/limits', {
      headers: { authorization: `Bearer ${carol.token}` },
    });
    expect(await limits.json()).toMatchObject({ usedBytes: 3 * LIMIT, quotaBytes: 3 * LIMIT });
    expect(await records()).toBe(before.records + 3);
  });

  it('removes uploads no message referenced once the grace period is over', async () => {
    const res = await upload(t, alice, conv.id, randomBytes(100));
    const { id } = (await res.json()) as { id: string };
    const ctx = t.server.context;
    expect(await removeUnreferencedFiles(ctx, fileService(ctx))).toBe(0);
    const count = await records();
    clock += 61_000;
    const removed = await removeUnreferencedFiles(ctx, fileService(ctx));
    expect(removed).toBe(count);
    expect(await ctx.store.findFile(id)).toBeUndefined();
    expect(await blobs()).toEqual([]);
  });
});

describe('upload rate', () => {
  let limited: TestServer;
  afterAll(async () => {
    await limited.close();
  });

  it('refuses uploads beyond the per-user rate with rate_limited and Retry-After', async () => {
    limited = await startTestServer({
      ...RELAXED_LIMITS,
      files: { uploads: { points: 2, durationSec: 60 } },
    });
    const dave = await newUser(limited);
    const own = await createGroup(limited, dave, []);
    for (let i = 0; i < 2; i++) {
      expect((await upload(limited, dave, own.id, randomBytes(10))).status).toBe(201);
    }
    const res = await upload(limited, dave, own.id, randomBytes(10));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });
});
