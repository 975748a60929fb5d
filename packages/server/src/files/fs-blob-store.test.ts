import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobNotFoundError } from './blob-store.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { listFiles } from './test-fixtures.js';

let dir: string;
let blobs: BlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
  blobs = createFsBlobStore(join(dir, 'files'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(content: string): Promise<string> {
  const writer = await blobs.create();
  await pipeline(Readable.from([Buffer.from(content)]), writer.stream, { end: false });
  await writer.commit();
  return writer.key;
}

describe('filesystem blob store', () => {
  it('stores a committed blob under its generated key in two levels of shard folders', async () => {
    const key = await put('hello');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await listFiles(join(dir, 'files'))).toEqual([
      `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`,
    ]);
    expect(await text(await blobs.read(key))).toBe('hello');
    expect(await text(await blobs.read(key, { start: 1, end: 3 }))).toBe('ell');
    expect(await blobs.size(key)).toBe(5);
  });

  it('leaves nothing behind for an aborted write', async () => {
    const writer = await blobs.create();
    writer.stream.write(Buffer.from('partial'));
    await writer.abort();
    await writer.abort();
    expect(await listFiles(join(dir, 'files'))).toEqual([]);
    await expect(blobs.read(writer.key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('refuses keys that are not its own: ../, absolute paths, other shapes', async () => {
    await writeFile(join(dir, 'secret'), 'secret');
    for (const key of [
      '../secret',
      '../../secret',
      `/${dir}/secret`,
      'ABCDEF',
      '',
      `${'a'.repeat(32)}/..`,
    ]) {
      await expect(blobs.read(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(blobs.size(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(blobs.delete(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    }
    expect(await readdir(dir)).toContain('secret');
  });

  it('deletes idempotently and sweeps only unfinished writes older than asked', async () => {
    const key = await put('x');
    await blobs.delete(key);
    await blobs.delete(key);
    const writer = await blobs.create();
    writer.stream.write(Buffer.from('x'));
    expect(await blobs.sweepIncomplete(60_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(await blobs.sweepIncomplete(0)).toBe(1);
    await writer.abort();
  });
});
