import { describe, expect, it } from 'vitest';
import type { LocalStore } from './local-store.js';

/**
 * The behaviour every {@link LocalStore} must have, as a suite each implementation runs
 * against itself. `reopen` returns a new instance over the same underlying storage (or `null`
 * for a store that does not persist), to check that writes survive.
 */
export function describeLocalStoreContract(
  name: string,
  create: () => Promise<{ store: LocalStore; reopen: () => Promise<LocalStore | null> }>,
): void {
  describe(`${name} (LocalStore contract)`, () => {
    it('returns undefined for a missing key', async () => {
      const { store } = await create();
      expect(await store.get('parley:nothing')).toBeUndefined();
    });

    it('round-trips JSON values of every shape', async () => {
      const { store } = await create();
      const values = [null, true, 0, -1.5, '', 'text ✓', [1, 'a', null], { a: { b: [1, 2] } }];
      for (const [i, value] of values.entries()) await store.set(`t:k${i}`, value);
      for (const [i, value] of values.entries()) expect(await store.get(`t:k${i}`)).toEqual(value);
    });

    it('replaces a value on a second set', async () => {
      const { store } = await create();
      await store.set('parley:session', { v: 1 });
      await store.set('parley:session', { v: 2 });
      expect(await store.get('parley:session')).toEqual({ v: 2 });
    });

    it('copies values so callers cannot mutate what is stored', async () => {
      const { store } = await create();
      const value = { list: [1] };
      await store.set('parley:x', value);
      value.list.push(2);
      const read = (await store.get('parley:x')) as { list: number[] };
      read.list.push(3);
      expect(await store.get('parley:x')).toEqual({ list: [1] });
    });

    it('deletes a key, and deleting a missing key is harmless', async () => {
      const { store } = await create();
      await store.set('parley:a', 1);
      await store.set('parley:b', 2);
      await store.delete('parley:a');
      await store.delete('parley:never');
      expect(await store.get('parley:a')).toBeUndefined();
      expect(await store.get('parley:b')).toBe(2);
    });

    it('clear removes every key in every namespace', async () => {
      const { store } = await create();
      await store.set('parley:a', 1);
      await store.set('parley:outbox:1', { id: 1 });
      await store.set('plain', 'x');
      await store.clear();
      expect(await store.get('parley:a')).toBeUndefined();
      expect(await store.get('parley:outbox:1')).toBeUndefined();
      expect(await store.get('plain')).toBeUndefined();
      await store.set('parley:a', 3);
      expect(await store.get('parley:a')).toBe(3);
    });

    it('keeps every one of many concurrent writes', async () => {
      const { store } = await create();
      await Promise.all(Array.from({ length: 25 }, (_, i) => store.set(`parley:c:${i}`, i)));
      const read = await Promise.all(
        Array.from({ length: 25 }, (_, i) => store.get(`parley:c:${i}`)),
      );
      expect(read).toEqual(Array.from({ length: 25 }, (_, i) => i));
    });

    it('rejects values JSON cannot represent and invalid keys', async () => {
      const { store } = await create();
      // @ts-expect-error undefined is not a JsonValue
      await expect(store.set('parley:u', undefined)).rejects.toThrow(TypeError);
      await expect(store.set('', 1)).rejects.toThrow(TypeError);
      await expect(store.get('x'.repeat(600))).rejects.toThrow(TypeError);
    });

    it('keeps acknowledged writes across a reopen when it persists', async () => {
      const { store, reopen } = await create();
      await store.set('parley:session', { userId: 'u1' });
      await store.set('parley:outbox:1', [1, 2]);
      await store.delete('parley:outbox:1');
      const again = await reopen();
      if (again === null) return;
      expect(await again.get('parley:session')).toEqual({ userId: 'u1' });
      expect(await again.get('parley:outbox:1')).toBeUndefined();
    });
  });
}
