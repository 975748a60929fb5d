import type { PgMigration } from './migrations.js';

/**
 * The send-idempotency index keyed `(client_msg_id, sender)`, as SQLite's migration 5 does and
 * for the same reason: with UUIDv7 client ids leading, new entries land on the right edge of
 * the B-tree instead of on one leaf page per sender, so a batch of messages dirties (and
 * WAL-logs, full-page images after each checkpoint) a few pages instead of one each. Same
 * pairs unique, same name (the append function's retry recognises the index by it).
 */
export const PG_MIGRATION_006_CLIENT_ID_ORDER: PgMigration = {
  version: 6,
  name: 'send idempotency index keyed by client id first',
  sql: `
    DROP INDEX events_by_client_msg_id;
    CREATE UNIQUE INDEX events_by_client_msg_id ON events(client_msg_id, sender)
      WHERE client_msg_id IS NOT NULL;
  `,
};
