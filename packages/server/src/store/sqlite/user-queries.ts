import type { Database } from 'better-sqlite3';
import { StoreConflictError } from '../store-errors.js';
import type { StoreConstraint } from '../store-errors.js';
import type { KaKeyRecord, Store } from '../store.js';
import { kdfJson, toKaKey, toUser } from './rows.js';
import type { KaKeyRow, UserRow } from './rows.js';

/** The account half of the {@link Store}. */
export type UserQueries = Pick<
  Store,
  | 'createUser'
  | 'findUserById'
  | 'findUserByUsername'
  | 'replacePasswordMaterial'
  | 'updateAuthHash'
  | 'updateBundle'
  | 'deleteUser'
  | 'addKaKey'
  | 'listKaKeys'
>;

/** Builds the account queries over an open, migrated database. */
export function createUserQueries(db: Database): UserQueries {
  const insertUser = db.prepare(`INSERT INTO users (id, username, display_name, kdf_json,
    auth_hash, wrapped_account_key, enc_bundle, identity_key, created_at, updated_at)
    VALUES (@id, @username, @displayName, @kdf, @authHash, @wrappedAccountKey, @encBundle,
    @identityKey, @createdAt, @createdAt)`);
  const insertKaKey = db.prepare(`INSERT INTO ka_keys (user_id, ka_id, pub, not_before,
    not_after, sig) VALUES (?, ?, ?, ?, ?, ?)`);
  const selectById = db.prepare('SELECT * FROM users WHERE id = ?');
  const selectByName = db.prepare('SELECT * FROM users WHERE username = ?');
  const updatePassword = db.prepare(`UPDATE users SET kdf_json = ?, auth_hash = ?,
    wrapped_account_key = ?, updated_at = ? WHERE id = ? AND auth_hash = ?`);
  const deleteOtherSessions = db.prepare(
    'DELETE FROM sessions WHERE user_id = ? AND id <> ? RETURNING id',
  );
  const updateHash = db.prepare(
    'UPDATE users SET auth_hash = ?, updated_at = ? WHERE id = ? AND auth_hash = ?',
  );
  const updateBundle = db.prepare('UPDATE users SET enc_bundle = ?, updated_at = ? WHERE id = ?');
  const deleteUser = db.prepare('DELETE FROM users WHERE id = ?');
  const selectKaKeys = db.prepare(
    'SELECT * FROM ka_keys WHERE user_id = ? ORDER BY not_before, ka_id',
  );

  const addKaKey = (userId: string, key: KaKeyRecord): void => {
    insertKaKey.run(userId, key.kaId, key.pub, key.notBefore, key.notAfter, key.sig);
  };

  return {
    async createUser(user) {
      const create = db.transaction(() => {
        insertUser.run({ ...user, kdf: kdfJson(user.kdf) });
        addKaKey(user.id, user.firstKaKey);
      });
      translateConflicts(() => create.immediate());
    },
    async findUserById(id) {
      const row = selectById.get(id) as UserRow | undefined;
      return row && toUser(row);
    },
    async findUserByUsername(username) {
      const row = selectByName.get(username) as UserRow | undefined;
      return row && toUser(row);
    },
    async replacePasswordMaterial(userId, update) {
      const replace = db.transaction(() => {
        const changed = updatePassword.run(
          kdfJson(update.kdf),
          update.authHash,
          update.wrappedAccountKey,
          update.now,
          userId,
          update.expectedAuthHash,
        ).changes;
        if (changed === 0) return undefined;
        const rows = deleteOtherSessions.all(userId, update.keepSessionId) as { id: string }[];
        return rows.map((r) => r.id);
      });
      return replace.immediate();
    },
    async updateAuthHash(userId, expectedAuthHash, authHash, now) {
      return updateHash.run(authHash, now, userId, expectedAuthHash).changes === 1;
    },
    async updateBundle(userId, encBundle, now) {
      return updateBundle.run(encBundle, now, userId).changes === 1;
    },
    async deleteUser(userId) {
      // Keys, sessions and refresh-token hashes go with it through ON DELETE CASCADE.
      return deleteUser.run(userId).changes === 1;
    },
    async addKaKey(userId, key) {
      translateConflicts(() => addKaKey(userId, key));
    },
    async listKaKeys(userId) {
      return (selectKaKeys.all(userId) as KaKeyRow[]).map(toKaKey);
    },
  };
}

/** Runs `write`, turning SQLite's uniqueness errors into {@link StoreConflictError}. */
function translateConflicts(write: () => void): void {
  try {
    write();
  } catch (error) {
    const constraint = conflictOf(error);
    if (constraint) throw new StoreConflictError(constraint, { cause: error });
    throw error;
  }
}

function conflictOf(error: unknown): StoreConstraint | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  if (code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' && code !== 'SQLITE_CONSTRAINT_UNIQUE') {
    return undefined;
  }
  // SQLite names the violated columns, e.g. "UNIQUE constraint failed: users.username".
  if (error.message.includes('users.username')) return 'username';
  if (error.message.includes('users.id')) return 'user_id';
  if (error.message.includes('ka_keys.')) return 'ka_key';
  return undefined;
}
