import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { NewFile } from './file-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const id = (): string => randomBytes(16).toString('base64url');

function file(ownerId: string, convId: string, over: Partial<NewFile> = {}): NewFile {
  return {
    id: id(),
    ownerId,
    convId,
    blobKey: randomBytes(16).toString('hex'),
    size: 100,
    mime: 'image/png',
    createdAt: T0,
    ...over,
  };
}

/**
 * The file-metadata half of the store contract (see `runStoreContract`): quota-checked
 * reservations, all-or-nothing references by the owner in the file's conversation, and the
 * listing and deletion the cleanup of unreferenced uploads relies on.
 */
export function fileContract(getStore: () => Store): void {
  let store: Store;
  const alice = id();
  const bob = id();
  const conv = id();
  beforeEach(() => {
    store = getStore();
  });

  async function ready(over: Partial<NewFile> = {}): Promise<NewFile> {
    const f = file(alice, conv, over);
    expect(await store.reserveFile(f, 10_000)).toBe(true);
    expect(await store.completeFile(f.id)).toBe(true);
    return f;
  }

  describe('files', () => {
    it('reserves within the quota, counting uploads in progress, and refuses beyond it', async () => {
      expect(await store.reserveFile(file(alice, conv, { size: 600 }), 1000)).toBe(true);
      expect(await store.reserveFile(file(alice, conv, { size: 400 }), 1000)).toBe(true);
      expect(await store.reserveFile(file(alice, conv, { size: 1 }), 1000)).toBe(false);
      expect(await store.fileUsage(alice)).toBe(1000);
      expect(await store.reserveFile(file(bob, conv, { size: 1000 }), 1000)).toBe(true);
    });

    it('returns a file with its state, and marks a reservation complete once', async () => {
      const f = file(alice, conv);
      await store.reserveFile(f, 10_000);
      expect(await store.findFile(f.id)).toEqual({ ...f, state: 'uploading', msgId: null });
      expect(await store.completeFile(f.id)).toBe(true);
      expect(await store.completeFile(f.id)).toBe(false);
      expect((await store.findFile(f.id))?.state).toBe('ready');
      expect(await store.findFile(id())).toBeUndefined();
    });

    it('references files for their owner in their conversation, idempotently for one message', async () => {
      const [f, g] = [await ready(), await ready()];
      const ref = { convId: conv, msgId: id(), ownerId: alice, fileIds: [f.id, g.id] };
      expect(await store.referenceFiles(ref)).toBe(true);
      expect(await store.referenceFiles(ref)).toBe(true);
      expect((await store.findFile(f.id))?.msgId).toBe(ref.msgId);
      const listed = await store.listFilesOfMessage(conv, ref.msgId);
      expect(listed.map((x) => x.id).sort()).toEqual([f.id, g.id].sort());
      expect(await store.listFilesOfMessage(id(), ref.msgId)).toEqual([]);
    });

    it('refuses, all or nothing, a file of another owner, conversation or message, or unfinished', async () => {
      const mine = await ready();
      const taken = await ready();
      const msgId = id();
      await store.referenceFiles({
        convId: conv,
        msgId: id(),
        ownerId: alice,
        fileIds: [taken.id],
      });
      const unfinished = file(alice, conv);
      await store.reserveFile(unfinished, 10_000);
      const otherConv = await ready({ convId: id() });
      for (const other of [taken.id, unfinished.id, otherConv.id, id()]) {
        const ref = { convId: conv, msgId, ownerId: alice, fileIds: [mine.id, other] };
        expect(await store.referenceFiles(ref)).toBe(false);
      }
      const asBob = { convId: conv, msgId, ownerId: bob, fileIds: [mine.id] };
      expect(await store.referenceFiles(asBob)).toBe(false);
      expect((await store.findFile(mine.id))?.msgId).toBeNull();
    });

    it('lists unreferenced files created before a time, oldest first, and deletes them', async () => {
      const old = await ready({ createdAt: T0 - 2000 });
      const older = await ready({ createdAt: T0 - 3000 });
      const recent = await ready({ createdAt: T0 });
      const sent = await ready({ createdAt: T0 - 5000 });
      await store.referenceFiles({ convId: conv, msgId: id(), ownerId: alice, fileIds: [sent.id] });
      const listed = await store.listUnreferencedFiles(T0 - 1000, 10);
      expect(listed.map((f) => f.id)).toEqual([older.id, old.id]);
      expect(await store.listUnreferencedFiles(T0 - 1000, 1)).toHaveLength(1);
      expect(await store.deleteFile(sent.id, { onlyUnreferenced: true })).toBe(false);
      expect(await store.deleteFile(old.id, { onlyUnreferenced: true })).toBe(true);
      expect(await store.deleteFile(sent.id)).toBe(true);
      expect(await store.deleteFile(sent.id)).toBe(false);
      expect(await store.findFile(recent.id)).toBeDefined();
    });

    it('sums files and bytes in total and for the users storing the most', async () => {
      await ready({ size: 10 });
      await ready({ size: 20 });
      await store.reserveFile(file(bob, conv, { size: 5 }), 10_000);
      expect(await store.fileTotals(1)).toEqual({
        files: 3,
        bytes: 35,
        topUsers: [{ userId: alice, bytes: 30 }],
      });
    });
  });
}
