import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore, fileNameFor } from './file-store.js';
import { describeLocalStoreContract } from './local-store-contract.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-filestore-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describeLocalStoreContract('FileStore', async () => {
  const dir = await tempDir();
  return { store: new FileStore(dir), reopen: async () => new FileStore({ dir }) };
});

describe('FileStore', () => {
  it('keeps one file per namespace', async () => {
    const dir = await tempDir();
    const store = new FileStore(dir);
    await store.set('parley:session', { a: 1 });
    await store.set('parley:outbox:1', 'x');
    await store.set('parley:outbox:2', 'y');
    expect((await readdir(dir)).sort()).toEqual(['parley.json', 'parley.outbox.json']);
    const outbox: unknown = JSON.parse(await readFile(join(dir, 'parley.outbox.json'), 'utf8'));
    expect(outbox).toEqual({ 'parley:outbox:1': 'x', 'parley:outbox:2': 'y' });
  });

  it('writes files readable by the owner only, leaving no temp files behind', async () => {
    const dir = await tempDir();
    const store = new FileStore(join(dir, 'nested', 'store'));
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set('parley:session', i)));
    const files = await readdir(join(dir, 'nested', 'store'));
    expect(files).toEqual(['parley.json']);
    const info = await stat(join(dir, 'nested', 'store', 'parley.json'));
    expect(info.mode & 0o777).toBe(0o600);
    const dirInfo = await stat(join(dir, 'nested', 'store'));
    expect(dirInfo.mode & 0o077).toBe(0);
    expect(await new FileStore(join(dir, 'nested', 'store')).get('parley:session')).toBe(9);
  });

  it('removes a namespace file once its last key is deleted', async () => {
    const dir = await tempDir();
    const store = new FileStore(dir);
    await store.set('parley:outbox:1', 1);
    await store.delete('parley:outbox:1');
    expect(await readdir(dir)).toEqual([]);
  });

  it('moves a corrupt file aside and starts that namespace empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'parley.json'), '{"parley:session": {trunc');
    const store = new FileStore(dir);
    expect(await store.get('parley:session')).toBeUndefined();
    await store.set('parley:session', 'fresh');
    const files = await readdir(dir);
    expect(files).toContain('parley.json');
    expect(files.some((name) => name.startsWith('parley.json.corrupt-'))).toBe(true);
  });

  it('cannot be steered outside its directory by a hostile key', async () => {
    const dir = await tempDir();
    const store = new FileStore(join(dir, 'inner'));
    await store.set('../../etc/passwd:x', 1);
    await store.set('a/b:c', 2);
    expect(await readdir(dir)).toEqual(['inner']);
    expect(await new FileStore(join(dir, 'inner')).get('../../etc/passwd:x')).toBe(1);
  });

  it('never gives two namespaces the same file name', () => {
    expect(fileNameFor('parley')).toBe('parley.json');
    expect(fileNameFor('parley:outbox')).toBe('parley.outbox.json');
    expect(fileNameFor('parley.outbox')).toBe('parley%2Eoutbox.json');
    expect(fileNameFor('../x')).toBe('%2E%2E%2Fx.json');
    expect(fileNameFor('é')).toBe('%C3%A9.json');
  });

  it('rejects a missing directory', () => {
    expect(() => new FileStore('')).toThrow(TypeError);
  });
});
