import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createServer } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { Conversation } from '../src/conversations/conversation.js';
import { fileLimits } from '../src/protocol/files.js';
import type { Message } from '../src/types.js';
import { eventually, registerUser } from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { caught } from './test-server.js';
import type { RunningServer } from './test-server.js';

const LIMIT = 1024 * 1024;
const CANARY = new TextEncoder().encode('CANARY-7f3a9c-PLAINTEXT-MUST-NOT-BE-STORED');

let dataDir: string;
let parley: ParleyServer;
let server: RunningServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let group: Conversation;
let bobsGroup: Conversation;
let failNextUpload = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-files-e2e-'));
  parley = await createServer({
    dataDir,
    port: 0,
    logLevel: 'silent',
    files: {
      maxUploadBytes: LIMIT,
      quotaBytes: 3 * LIMIT,
      allowedTypes: ['image/*', 'text/plain', 'application/octet-stream', 'application/zip'],
    },
  });
  const { url } = await parley.listen();
  server = { url, advanceClock: () => undefined, close: () => parley.close() };
  // A network that drops the next N uploads, to exercise the retry.
  const flaky: typeof fetch = async (input, init) => {
    if (String(input).includes('/files?') && failNextUpload > 0) {
      failNextUpload--;
      throw new TypeError('fetch failed (simulated)');
    }
    return fetch(input, init);
  };
  [alice, bob, carol] = await Promise.all([
    registerUser(server, 'alice', { fetch: flaky }),
    registerUser(server, 'bob'),
    registerUser(server, 'carol'),
  ]);
  group = await alice.client.conversations.create({
    title: 'Files',
    members: [bob.username, carol.username],
  });
  await group.send('hello');
  await eventually(async () => {
    const list = await bob.client.conversations.list();
    return list.some((c) => c.id === group.id);
  }, 'bob sees the group');
  bobsGroup = (await bob.client.conversations.list()).find((c) => c.id === group.id)!;
});

afterAll(async () => {
  for (const u of [alice, bob, carol]) u?.client.close();
  await parley.close();
  await rm(dataDir, { recursive: true, force: true });
});

function png(size: number): Uint8Array {
  const bytes = randomBytes(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (size >= 100 + CANARY.length) bytes.set(CANARY, 100);
  return new Uint8Array(bytes);
}

/** A JPEG with an EXIF segment holding `secret`, a JFIF segment and some "image data". */
function jpegWithExif(secret: Uint8Array): { file: Uint8Array; stripped: Uint8Array } {
  const segment = (marker: number, payload: Uint8Array) => {
    const out = new Uint8Array(4 + payload.length);
    out.set([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
    out.set(payload, 4);
    return out;
  };
  const soi = Uint8Array.of(0xff, 0xd8);
  const app0 = segment(0xe0, new TextEncoder().encode('JFIF\0\x01\x01'));
  const exif = segment(0xe1, new Uint8Array([...new TextEncoder().encode('Exif\0\0'), ...secret]));
  const scan = new Uint8Array([0xff, 0xda, 0x00, 0x08, ...randomBytes(5000), 0xff, 0xd9]);
  const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
  return { file: join(soi, exif, app0, scan), stripped: join(soi, app0, scan) };
}

async function received(conversation: Conversation, caption: string): Promise<Message> {
  let found: Message | undefined;
  await eventually(() => {
    found = conversation.messages.find((m) => m.text === caption && m.attachments.length > 0);
    return found !== undefined;
  }, `the message "${caption}"`);
  return found!;
}

async function filesFolder(): Promise<Buffer[]> {
  const root = join(dataDir, 'files');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name))),
  );
}

async function usedBytes(user: TestUser): Promise<number> {
  const limits = await clientInternals(user.client).rest.request('GET', '/files/limits', {
    schema: fileLimits,
  });
  return limits.usedBytes;
}

describe('sending and receiving files', () => {
  it('sends a file that the receiver downloads, decrypts and verifies', async () => {
    const data = png(200_000);
    const progress: number[] = [];
    const sent = await group.sendFile(data, {
      name: 'holiday.png',
      caption: 'our trip',
      onProgress: ({ loaded, total }) => progress.push(loaded / total),
    });
    expect(sent.status).toBe('sent');
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const message = await received(bobsGroup, 'our trip');
    const [file] = message.attachments;
    expect(file).toMatchObject({ name: 'holiday.png', type: 'image/png', size: data.length });
    expect(await file!.download()).toEqual(data);
    const stream = await file!.stream();
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(new Uint8Array(Buffer.concat(chunks))).toEqual(data);
  });

  it('never stores the plaintext: the canary is nowhere in the files folder', async () => {
    const blobs = await filesFolder();
    expect(blobs.length).toBeGreaterThan(0);
    for (const blob of blobs) expect(blob.includes(Buffer.from(CANARY))).toBe(false);
  });

  it('strips EXIF from a JPEG before it leaves the sender', async () => {
    const secret = new TextEncoder().encode('GPS 52.5200N 13.4050E');
    const { file, stripped } = jpegWithExif(secret);
    await group.sendFile(new Blob([file as BlobPart], { type: 'image/jpeg' }), {
      caption: 'jpeg',
      thumbnail: false,
    });
    const message = await received(bobsGroup, 'jpeg');
    const got = (await message.attachments[0]!.download()) as Uint8Array;
    expect(got).toEqual(stripped);
    expect(Buffer.from(got).includes(Buffer.from(secret))).toBe(false);
    expect(message.attachments[0]).toMatchObject({ type: 'image/jpeg', size: stripped.length });
  });

  it('sends a Node stream of known size, and a thumbnail given by the caller', async () => {
    const data = png(100_000);
    const thumb = png(2000);
    await group.sendFile(Readable.from([data.subarray(0, 30_000), data.subarray(30_000)]), {
      size: data.length,
      name: 'stream.png',
      caption: 'streamed',
      thumbnail: { data: thumb, type: 'image/png', width: 32, height: 24 },
    });
    const [file] = (await received(bobsGroup, 'streamed')).attachments;
    expect(file!.thumbnail).toMatchObject({ width: 32, height: 24 });
    expect(await file!.downloadThumbnail()).toEqual(thumb);
    expect(await file!.download()).toEqual(data);
    const error = await caught(group.sendFile(Readable.from([data]), { name: 'x' }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'size' });
  });

  it('retries an upload that failed on the network', async () => {
    failNextUpload = 1;
    const sent = await group.sendFile(png(1000), { caption: 'retried' });
    expect(sent.status).toBe('sent');
    expect(failNextUpload).toBe(0);
  });

  it('refuses, before uploading, a type the bytes contradict, a type the server refuses, and a file over the limit', async () => {
    const before = await usedBytes(alice);
    const liar = await caught(group.sendFile(png(100), { type: 'application/pdf' }));
    expect(liar.code).toBe('unsupported_media_type');
    const pdf = new TextEncoder().encode('%PDF-1.7 and so on');
    expect((await caught(group.sendFile(pdf))).code).toBe('unsupported_media_type');
    const big = await caught(group.sendFile(png(LIMIT)));
    expect(big.code).toBe('payload_too_large');
    expect(await usedBytes(alice)).toBe(before);
  });

  it('cancels an upload with an AbortSignal, leaving no file behind', async () => {
    const before = await usedBytes(alice);
    const controller = new AbortController();
    const sending = group.sendFile(png(LIMIT - 1000), {
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded > 100_000) controller.abort();
      },
    });
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(async () => (await usedBytes(alice)) === before, 'the upload to be dropped');
  });

  it('fails the hash check on a tampered blob: an error, never the bytes', async () => {
    await group.sendFile(png(150_000), { caption: 'tamper me' });
    const [file] = (await received(bobsGroup, 'tamper me')).attachments;
    const record = await parley.context.store.findFile(file!.id!);
    const key = record!.blobKey;
    const path = join(dataDir, 'files', key.slice(0, 2), key.slice(2, 4), key);
    const blob = await readFile(path);
    blob.writeUInt8(blob.readUInt8(blob.length - 100) ^ 0x01, blob.length - 100);
    await writeFile(path, blob);
    expect((await caught(file!.download())).code).toBe('decryption_failed');
    const stream = await file!.stream();
    const reading = (async () => {
      for await (const _ of stream as unknown as AsyncIterable<Uint8Array>) void _;
    })();
    await expect(reading).rejects.toMatchObject({ code: 'decryption_failed' });
  });

  it('refuses the download to a member once removed', async () => {
    await group.sendFile(png(1000), { caption: 'for carol' });
    const carolsGroup = (await carol.client.conversations.list()).find((c) => c.id === group.id)!;
    const [file] = (await received(carolsGroup, 'for carol')).attachments;
    expect(await file!.download()).toBeInstanceOf(Uint8Array);
    await group.removeMember(carol.username);
    expect((await caught(file!.download())).code).toBe('not_found');
  });

  it('refuses a file over the quota before uploading it (quota_exceeded)', async () => {
    let error;
    for (let i = 0; i < 4 && error === undefined; i++) {
      error = await group.sendFile(png(LIMIT - 2000)).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(error).toMatchObject({ code: 'quota_exceeded' });
    expect(await usedBytes(alice)).toBeLessThanOrEqual(3 * LIMIT);
  });
});
