import type { Database } from 'better-sqlite3';
import type { RotateResult, Store } from '../store.js';
import { toSession } from './rows.js';
import type { SessionRow } from './rows.js';

/** The session (refresh-token family) half of the {@link Store}. */
export type SessionQueries = Pick<
  Store,
  | 'createSession'
  | 'findSession'
  | 'findSessionByRefreshToken'
  | 'rotateRefreshToken'
  | 'listSessions'
  | 'touchSession'
  | 'revokeSession'
  | 'revokeAllSessions'
  | 'revokeOtherSessions'
  | 'purgeExpiredSessions'
>;

/** Builds the session queries over an open, migrated database. */
export function createSessionQueries(db: Database): SessionQueries {
  const insertSession = db.prepare(`INSERT INTO sessions (id, user_id, generation, created_at,
    last_used_at, expires_at, user_agent) VALUES (?, ?, 0, ?, ?, ?, ?)`);
  const insertToken = db.prepare(
    'INSERT INTO refresh_tokens (token_hash, session_id, generation) VALUES (?, ?, ?)',
  );
  const selectSession = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const selectByToken = db.prepare(`SELECT s.*, t.generation AS token_generation
    FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?`);
  const advance = db.prepare(`UPDATE sessions SET generation = generation + 1,
    last_used_at = ?, expires_at = ? WHERE id = ? RETURNING *`);
  const selectByUser = db.prepare(
    'SELECT * FROM sessions WHERE user_id = ? ORDER BY last_used_at DESC, id',
  );
  const touch = db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?');
  const deleteOne = db.prepare('DELETE FROM sessions WHERE id = ?');
  const deleteOwned = db.prepare('DELETE FROM sessions WHERE id = ? AND user_id = ?');
  const deleteAll = db.prepare('DELETE FROM sessions WHERE user_id = ? RETURNING id');
  const deleteOthers = db.prepare(
    'DELETE FROM sessions WHERE user_id = ? AND id <> ? RETURNING id',
  );
  const deleteExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');

  const ids = (rows: unknown[]): string[] => (rows as { id: string }[]).map((r) => r.id);

  // BEGIN IMMEDIATE takes the write lock before reading, so two processes presenting the same
  // token serialise: exactly one rotates, the other sees an old generation.
  const rotate = db.transaction(
    (tokenHash: Uint8Array, newHash: Uint8Array, now: number, expiresAt: number): RotateResult => {
      const row = selectByToken.get(tokenHash) as
        (SessionRow & { token_generation: number }) | undefined;
      if (!row) return { status: 'not_found' };
      const session = toSession(row);
      if (row.token_generation !== row.generation) {
        deleteOne.run(row.id);
        return { status: 'reuse_detected', session };
      }
      if (row.expires_at <= now) {
        deleteOne.run(row.id);
        return { status: 'expired', session };
      }
      const next = advance.get(now, expiresAt, row.id) as SessionRow;
      insertToken.run(newHash, row.id, next.generation);
      return { status: 'rotated', session: toSession(next) };
    },
  );

  return {
    async createSession(s) {
      db.transaction(() => {
        insertSession.run(s.id, s.userId, s.createdAt, s.createdAt, s.expiresAt, s.userAgent);
        insertToken.run(s.tokenHash, s.id, 0);
      }).immediate();
    },
    async findSession(id) {
      const row = selectSession.get(id) as SessionRow | undefined;
      return row && toSession(row);
    },
    async findSessionByRefreshToken(tokenHash) {
      const row = selectByToken.get(tokenHash) as SessionRow | undefined;
      return row && toSession(row);
    },
    async rotateRefreshToken(r) {
      return rotate.immediate(r.tokenHash, r.newTokenHash, r.now, r.expiresAt);
    },
    async listSessions(userId) {
      return (selectByUser.all(userId) as SessionRow[]).map(toSession);
    },
    async touchSession(id, now) {
      touch.run(now, id);
    },
    async revokeSession(userId, sessionId) {
      return deleteOwned.run(sessionId, userId).changes === 1;
    },
    async revokeAllSessions(userId) {
      return ids(deleteAll.all(userId));
    },
    async revokeOtherSessions(userId, keepSessionId) {
      return ids(deleteOthers.all(userId, keepSessionId));
    },
    async purgeExpiredSessions(now) {
      return deleteExpired.run(now).changes;
    },
  };
}
