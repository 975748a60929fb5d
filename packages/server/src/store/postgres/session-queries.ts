import type { RotateResult } from '../store.js';
import { toSession } from '../sqlite/rows.js';
import type { SessionRow } from '../sqlite/rows.js';
import type { SessionQueries } from '../sqlite/session-queries.js';
import type { Database } from './database.js';

const INSERT_TOKEN =
  'INSERT INTO refresh_tokens (token_hash, session_id, generation) VALUES ($1, $2, $3)';

/** The session (refresh-token family) half of the store on PostgreSQL. */
export function createPgSessionQueries(db: Database): SessionQueries {
  const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);
  return {
    async createSession(s) {
      await db.transaction(async (client) => {
        await client.query(
          `INSERT INTO sessions (id, user_id, generation, created_at, last_used_at, expires_at,
            user_agent) VALUES ($1, $2, 0, $3, $3, $4, $5)`,
          [s.id, s.userId, s.createdAt, s.expiresAt, s.userAgent],
        );
        await client.query(INSERT_TOKEN, [s.tokenHash, s.id, 0]);
      });
    },
    async findSession(id) {
      const [row] = await db.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]);
      return row && toSession(row);
    },
    async findSessionByRefreshToken(tokenHash) {
      const [row] = await db.query<SessionRow>(
        `SELECT s.* FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
          WHERE t.token_hash = $1`,
        [tokenHash],
      );
      return row && toSession(row);
    },
    async rotateRefreshToken(r) {
      // FOR UPDATE locks the session row: two nodes presenting the same token queue here, and
      // the second re-reads the advanced generation, so it sees a replay (reuse), as on SQLite.
      return db.transaction(async (client): Promise<RotateResult> => {
        const { rows } = await client.query<SessionRow & { token_generation: number }>(
          `SELECT s.*, t.generation AS token_generation FROM refresh_tokens t
            JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1 FOR UPDATE OF s`,
          [r.tokenHash],
        );
        const row = rows[0];
        if (!row) return { status: 'not_found' };
        const session = toSession(row);
        if (row.token_generation !== row.generation) {
          await client.query('DELETE FROM sessions WHERE id = $1', [row.id]);
          return { status: 'reuse_detected', session };
        }
        if (row.expires_at <= r.now) {
          await client.query('DELETE FROM sessions WHERE id = $1', [row.id]);
          return { status: 'expired', session };
        }
        const next = await client.query<SessionRow>(
          `UPDATE sessions SET generation = generation + 1, last_used_at = $1, expires_at = $2
            WHERE id = $3 RETURNING *`,
          [r.now, r.expiresAt, row.id],
        );
        const advanced = next.rows[0]!;
        await client.query(INSERT_TOKEN, [r.newTokenHash, row.id, advanced.generation]);
        return { status: 'rotated', session: toSession(advanced) };
      });
    },
    async listSessions(userId) {
      const rows = await db.query<SessionRow>(
        'SELECT * FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC, id',
        [userId],
      );
      return rows.map(toSession);
    },
    async touchSession(id, now) {
      await db.query('UPDATE sessions SET last_used_at = $1 WHERE id = $2', [now, id]);
    },
    async revokeSession(userId, sessionId) {
      const result = await db.pool.query('DELETE FROM sessions WHERE id = $1 AND user_id = $2', [
        sessionId,
        userId,
      ]);
      return result.rowCount === 1;
    },
    async revokeAllSessions(userId) {
      return ids(await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING id', [userId]));
    },
    async revokeOtherSessions(userId, keepSessionId) {
      return ids(
        await db.query('DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id', [
          userId,
          keepSessionId,
        ]),
      );
    },
    async purgeExpiredSessions(now) {
      return (
        (await db.pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0
      );
    },
  };
}
