import { StoreConflictError } from '../store-errors.js';
import type { StoreConstraint } from '../store-errors.js';
import type { KaKeyRecord } from '../store.js';
import { kdfJson, toKaKey, toUser } from '../sqlite/rows.js';
import type { KaKeyRow, UserRow } from '../sqlite/rows.js';
import type { UserQueries } from '../sqlite/user-queries.js';
import type { Database } from './database.js';
import { uniqueViolation } from './database.js';

const CONSTRAINTS: Readonly<Record<string, StoreConstraint>> = {
  users_pkey: 'user_id',
  users_username_key: 'username',
  ka_keys_pkey: 'ka_key',
};

/** Runs `write`, turning PostgreSQL unique violations into {@link StoreConflictError}. */
export async function translateConflicts<T>(
  write: () => Promise<T>,
  constraints: Readonly<Record<string, StoreConstraint>> = CONSTRAINTS,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const constraint = constraints[uniqueViolation(error) ?? ''];
    if (constraint) throw new StoreConflictError(constraint, { cause: error });
    throw error;
  }
}

const INSERT_KA_KEY = `INSERT INTO ka_keys (user_id, ka_id, pub, not_before, not_after, sig)
  VALUES ($1, $2, $3, $4, $5, $6)`;

function kaParams(userId: string, key: KaKeyRecord): unknown[] {
  return [userId, key.kaId, key.pub, key.notBefore, key.notAfter, key.sig];
}

/** The account half of the store on PostgreSQL (same row mapping as SQLite's). */
export function createPgUserQueries(db: Database): UserQueries {
  return {
    async createUser(user) {
      await translateConflicts(() =>
        db.transaction(async (client) => {
          await client.query(
            `INSERT INTO users (id, username, display_name, kdf_json, auth_hash,
              wrapped_account_key, enc_bundle, identity_key, created_at, updated_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
            [
              user.id,
              user.username,
              user.displayName,
              kdfJson(user.kdf),
              user.authHash,
              user.wrappedAccountKey,
              user.encBundle,
              user.identityKey,
              user.createdAt,
            ],
          );
          await client.query(INSERT_KA_KEY, kaParams(user.id, user.firstKaKey));
        }),
      );
    },
    async findUserById(id) {
      const [row] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
      return row && toUser(row);
    },
    async findUserByUsername(username) {
      const [row] = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
      return row && toUser(row);
    },
    async replacePasswordMaterial(userId, update) {
      return db.transaction(async (client) => {
        const changed = await client.query(
          `UPDATE users SET kdf_json = $1, auth_hash = $2, wrapped_account_key = $3,
            updated_at = $4 WHERE id = $5 AND auth_hash = $6`,
          [
            kdfJson(update.kdf),
            update.authHash,
            update.wrappedAccountKey,
            update.now,
            userId,
            update.expectedAuthHash,
          ],
        );
        if (changed.rowCount !== 1) return undefined;
        const { rows } = await client.query<{ id: string }>(
          'DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id',
          [userId, update.keepSessionId],
        );
        return rows.map((r) => r.id);
      });
    },
    async updateAuthHash(userId, expectedAuthHash, authHash, now) {
      const result = await db.pool.query(
        'UPDATE users SET auth_hash = $1, updated_at = $2 WHERE id = $3 AND auth_hash = $4',
        [authHash, now, userId, expectedAuthHash],
      );
      return result.rowCount === 1;
    },
    async updateBundle(userId, encBundle, now) {
      const result = await db.pool.query(
        'UPDATE users SET enc_bundle = $1, updated_at = $2 WHERE id = $3',
        [encBundle, now, userId],
      );
      return result.rowCount === 1;
    },
    async deleteUser(userId) {
      const result = await db.pool.query('DELETE FROM users WHERE id = $1', [userId]);
      return result.rowCount === 1;
    },
    async addKaKey(userId, key) {
      await translateConflicts(() => db.pool.query(INSERT_KA_KEY, kaParams(userId, key)));
    },
    async listKaKeys(userId) {
      const rows = await db.query<KaKeyRow>(
        'SELECT * FROM ka_keys WHERE user_id = $1 ORDER BY not_before, ka_id',
        [userId],
      );
      return rows.map(toKaKey);
    },
  };
}
