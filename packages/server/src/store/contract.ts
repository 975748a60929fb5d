import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationContract } from './conversation-contract.js';
import { fileContract } from './file-contract.js';
import { receiptsContract } from './receipts-contract.js';
import { retentionContract } from './retention-contract.js';
import { isStoreConflict } from './store-errors.js';
import type { KaKeyRecord, NewSession, NewUser, Store } from './store.js';

/** What a contract factory hands back: a fresh, empty store and how to dispose of it. */
export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

const rand = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));
const b64u = (n: number): string => randomBytes(n).toString('base64url');

function kaKey(notBefore = T0): KaKeyRecord {
  return {
    kaId: rand(16),
    pub: rand(32),
    notBefore,
    notAfter: notBefore + 30 * DAY,
    sig: rand(64),
  };
}

function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: b64u(16),
    username: `user-${randomBytes(4).toString('hex')}`,
    displayName: 'A User',
    kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: b64u(16) },
    authHash: `$argon2id$v=19$m=19456,t=2,p=1$${b64u(16)}$${b64u(32)}`,
    wrappedAccountKey: rand(60),
    encBundle: rand(1000),
    identityKey: rand(32),
    createdAt: T0,
    firstKaKey: kaKey(),
    ...overrides,
  };
}

function newSession(userId: string, overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: b64u(16),
    userId,
    tokenHash: rand(32),
    createdAt: T0,
    expiresAt: T0 + 30 * DAY,
    userAgent: 'vitest',
    ...overrides,
  };
}

/**
 * The behaviour every {@link Store} implementation must have. Each implementation's test file
 * calls this once with a factory that returns a fresh, empty store:
 *
 * @example
 * ```ts
 * runStoreContract('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'parley-'));
 *   const store = await createSqliteStore({ dataDir: dir });
 *   return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true }); } };
 * });
 * ```
 */
export function runStoreContract(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('users', () => {
      it('returns a created user by id and by username, bytes and kdf intact', async () => {
        const user = newUser();
        await store.createUser(user);
        const { firstKaKey: _ka, ...expected } = user;
        const byId = await store.findUserById(user.id);
        expect(byId).toEqual({ ...expected, updatedAt: T0 });
        expect(await store.findUserByUsername(user.username)).toEqual(byId);
        expect(byId?.encBundle).toBeInstanceOf(Uint8Array);
      });

      it('returns undefined for an unknown id or username', async () => {
        expect(await store.findUserById(b64u(16))).toBeUndefined();
        expect(await store.findUserByUsername('nobody')).toBeUndefined();
      });

      it('rejects a taken username without writing anything of the second user', async () => {
        const first = newUser();
        await store.createUser(first);
        const second = newUser({ username: first.username });
        const error = await store.createUser(second).catch((e: unknown) => e);
        expect(isStoreConflict(error) && error.constraint).toBe('username');
        expect(await store.findUserById(second.id)).toBeUndefined();
        expect(await store.listKaKeys(second.id)).toEqual([]);
      });

      it('rejects a taken id', async () => {
        const first = newUser();
        await store.createUser(first);
        const error = await store.createUser(newUser({ id: first.id })).catch((e: unknown) => e);
        expect(isStoreConflict(error) && error.constraint).toBe('user_id');
      });

      it('stores the first key-agreement key with the user and lists keys oldest first', async () => {
        const user = newUser();
        await store.createUser(user);
        const later = kaKey(T0 + DAY);
        await store.addKaKey(user.id, later);
        expect(await store.listKaKeys(user.id)).toEqual([user.firstKaKey, later]);
      });

      it('rejects a duplicate key-agreement key id for the same user', async () => {
        const user = newUser();
        await store.createUser(user);
        const again = { ...kaKey(), kaId: user.firstKaKey.kaId };
        const error = await store.addKaKey(user.id, again).catch((e: unknown) => e);
        expect(isStoreConflict(error) && error.constraint).toBe('ka_key');
      });

      it('replaces the bundle and reports an unknown user', async () => {
        const user = newUser();
        await store.createUser(user);
        const bundle = rand(2000);
        expect(await store.updateBundle(user.id, bundle, T0 + 5)).toBe(true);
        const after = await store.findUserById(user.id);
        expect(after?.encBundle).toEqual(bundle);
        expect(after?.updatedAt).toBe(T0 + 5);
        expect(await store.updateBundle(b64u(16), bundle, T0)).toBe(false);
      });

      it('updates the auth hash only when the expected hash still matches', async () => {
        const user = newUser();
        await store.createUser(user);
        expect(await store.updateAuthHash(user.id, 'stale', 'new-hash', T0)).toBe(false);
        expect(await store.updateAuthHash(user.id, user.authHash, 'new-hash', T0)).toBe(true);
        expect((await store.findUserById(user.id))?.authHash).toBe('new-hash');
      });
    });

    describe('password change', () => {
      it('replaces kdf, hash and wrapped key and deletes every other session', async () => {
        const user = newUser();
        await store.createUser(user);
        const keep = newSession(user.id);
        const other1 = newSession(user.id);
        const other2 = newSession(user.id);
        for (const s of [keep, other1, other2]) await store.createSession(s);
        const kdf = { alg: 'argon2id' as const, m: 131_072, t: 4, p: 1, salt: b64u(16) };
        const wrapped = rand(60);
        const revoked = await store.replacePasswordMaterial(user.id, {
          expectedAuthHash: user.authHash,
          kdf,
          authHash: 'next-hash',
          wrappedAccountKey: wrapped,
          keepSessionId: keep.id,
          now: T0 + 1,
        });
        expect(revoked?.sort()).toEqual([other1.id, other2.id].sort());
        const after = await store.findUserById(user.id);
        expect(after).toMatchObject({ kdf, authHash: 'next-hash', wrappedAccountKey: wrapped });
        expect(after?.encBundle).toEqual(user.encBundle);
        expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([keep.id]);
      });

      it('changes nothing when the expected hash is stale (a concurrent change won)', async () => {
        const user = newUser();
        await store.createUser(user);
        const other = newSession(user.id);
        await store.createSession(other);
        const result = await store.replacePasswordMaterial(user.id, {
          expectedAuthHash: 'stale',
          kdf: user.kdf,
          authHash: 'next-hash',
          wrappedAccountKey: rand(60),
          keepSessionId: 'none',
          now: T0,
        });
        expect(result).toBeUndefined();
        expect((await store.findUserById(user.id))?.authHash).toBe(user.authHash);
        expect(await store.findSession(other.id)).toBeDefined();
      });
    });

    describe('sessions', () => {
      let userId: string;
      beforeEach(async () => {
        const user = newUser();
        await store.createUser(user);
        userId = user.id;
      });

      it('creates a session at generation 0 and finds it by id', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        expect(await store.findSession(s.id)).toEqual({
          id: s.id,
          userId,
          generation: 0,
          createdAt: T0,
          lastUsedAt: T0,
          expiresAt: s.expiresAt,
          userAgent: 'vitest',
        });
      });

      it('refuses a session for a user that does not exist', async () => {
        await expect(store.createSession(newSession(b64u(16)))).rejects.toThrow();
      });

      it('rotates the current token: next generation, slid expiry, new token works', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        const next = rand(32);
        const result = await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: next,
          now: T0 + 10,
          expiresAt: T0 + 40 * DAY,
        });
        expect(result).toEqual({
          status: 'rotated',
          session: expect.objectContaining({
            generation: 1,
            lastUsedAt: T0 + 10,
            expiresAt: T0 + 40 * DAY,
          }),
        });
        const again = await store.rotateRefreshToken({
          tokenHash: next,
          newTokenHash: rand(32),
          now: T0 + 20,
          expiresAt: T0 + 41 * DAY,
        });
        expect(again.status).toBe('rotated');
      });

      it('finds the session behind any generation of its refresh tokens', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        const next = rand(32);
        await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: next,
          now: T0,
          expiresAt: T0 + DAY,
        });
        expect((await store.findSessionByRefreshToken(s.tokenHash))?.id).toBe(s.id);
        expect((await store.findSessionByRefreshToken(next))?.generation).toBe(1);
        expect(await store.findSessionByRefreshToken(rand(32))).toBeUndefined();
      });

      it('deletes the whole family when an already rotated token comes back', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        const next = rand(32);
        await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: next,
          now: T0,
          expiresAt: T0 + DAY,
        });
        const replay = await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: rand(32),
          now: T0 + 1,
          expiresAt: T0 + DAY,
        });
        expect(replay.status).toBe('reuse_detected');
        expect(replay.status !== 'not_found' && replay.session.id).toBe(s.id);
        expect(await store.findSession(s.id)).toBeUndefined();
        // The legitimate holder's newer token died with the family.
        const legit = await store.rotateRefreshToken({
          tokenHash: next,
          newTokenHash: rand(32),
          now: T0 + 2,
          expiresAt: T0 + DAY,
        });
        expect(legit.status).toBe('not_found');
      });

      it('lets exactly one of two concurrent rotations of the same token win', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        const rotation = () =>
          store.rotateRefreshToken({
            tokenHash: s.tokenHash,
            newTokenHash: rand(32),
            now: T0,
            expiresAt: T0 + DAY,
          });
        const results = await Promise.all([rotation(), rotation()]);
        expect(results.map((r) => r.status).sort()).toEqual(['reuse_detected', 'rotated']);
        expect(await store.findSession(s.id)).toBeUndefined();
      });

      it('reports and deletes an expired session instead of rotating it', async () => {
        const s = newSession(userId, { expiresAt: T0 + 100 });
        await store.createSession(s);
        const result = await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: rand(32),
          now: T0 + 100,
          expiresAt: T0 + DAY,
        });
        expect(result.status).toBe('expired');
        expect(await store.findSession(s.id)).toBeUndefined();
      });

      it('reports an unknown token as not found', async () => {
        const result = await store.rotateRefreshToken({
          tokenHash: rand(32),
          newTokenHash: rand(32),
          now: T0,
          expiresAt: T0 + DAY,
        });
        expect(result).toEqual({ status: 'not_found' });
      });

      it('lists sessions most recently used first and records activity', async () => {
        const a = newSession(userId);
        const b = newSession(userId);
        await store.createSession(a);
        await store.createSession(b);
        await store.touchSession(a.id, T0 + 50);
        expect((await store.listSessions(userId)).map((s) => [s.id, s.lastUsedAt])).toEqual([
          [a.id, T0 + 50],
          [b.id, T0],
        ]);
      });

      it("revokes one of the user's sessions but never another user's", async () => {
        const mine = newSession(userId);
        await store.createSession(mine);
        const otherUser = newUser();
        await store.createUser(otherUser);
        const theirs = newSession(otherUser.id);
        await store.createSession(theirs);
        expect(await store.revokeSession(userId, theirs.id)).toBe(false);
        expect(await store.findSession(theirs.id)).toBeDefined();
        expect(await store.revokeSession(userId, mine.id)).toBe(true);
        expect(await store.findSession(mine.id)).toBeUndefined();
        expect(await store.revokeSession(userId, mine.id)).toBe(false);
      });

      it('revokes all sessions, or all but one, of one user only', async () => {
        const [a, b, c] = [newSession(userId), newSession(userId), newSession(userId)];
        const otherUser = newUser();
        await store.createUser(otherUser);
        const theirs = newSession(otherUser.id);
        for (const s of [a, b, c, theirs]) await store.createSession(s);
        expect((await store.revokeOtherSessions(userId, a.id)).sort()).toEqual([b.id, c.id].sort());
        expect(await store.revokeAllSessions(userId)).toEqual([a.id]);
        expect(await store.listSessions(userId)).toEqual([]);
        expect(await store.findSession(theirs.id)).toBeDefined();
      });

      it('revoked tokens cannot be rotated', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        await store.revokeAllSessions(userId);
        const result = await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: rand(32),
          now: T0,
          expiresAt: T0 + DAY,
        });
        expect(result.status).toBe('not_found');
      });

      it('purges expired sessions only', async () => {
        const old = newSession(userId, { expiresAt: T0 + 10 });
        const live = newSession(userId, { expiresAt: T0 + DAY });
        await store.createSession(old);
        await store.createSession(live);
        expect(await store.purgeExpiredSessions(T0 + 10)).toBe(1);
        expect((await store.listSessions(userId)).map((s) => s.id)).toEqual([live.id]);
      });

      it('deleting a user deletes their keys, sessions and refresh tokens', async () => {
        const s = newSession(userId);
        await store.createSession(s);
        expect(await store.deleteUser(userId)).toBe(true);
        expect(await store.findUserById(userId)).toBeUndefined();
        expect(await store.listKaKeys(userId)).toEqual([]);
        expect(await store.findSession(s.id)).toBeUndefined();
        const result = await store.rotateRefreshToken({
          tokenHash: s.tokenHash,
          newTokenHash: rand(32),
          now: T0,
          expiresAt: T0 + DAY,
        });
        expect(result.status).toBe('not_found');
        expect(await store.deleteUser(userId)).toBe(false);
      });
    });

    describe('server secrets', () => {
      it('creates a random secret once and returns the same bytes afterwards', async () => {
        const first = await store.getOrCreateSecret('jwt', 32);
        expect(first).toHaveLength(32);
        expect(await store.getOrCreateSecret('jwt', 32)).toEqual(first);
        expect(await store.getOrCreateSecret('other', 32)).not.toEqual(first);
      });

      it('agrees on one value when created concurrently', async () => {
        const values = await Promise.all([1, 2, 3].map(() => store.getOrCreateSecret('race', 32)));
        expect(values[1]).toEqual(values[0]);
        expect(values[2]).toEqual(values[0]);
      });

      it('refuses secrets shorter than 16 bytes', async () => {
        await expect(store.getOrCreateSecret('weak', 8)).rejects.toThrow(RangeError);
      });
    });

    conversationContract(() => store);
    fileContract(() => store);
    receiptsContract(() => store);
    retentionContract(() => store);

    it('closes idempotently', async () => {
      await store.close();
      await store.close();
    });
  });
}
