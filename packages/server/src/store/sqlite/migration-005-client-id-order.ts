import type { Migration } from './migrations.js';

/**
 * The send-idempotency index keyed `(client_msg_id, sender)` instead of `(sender,
 * client_msg_id)`. Released as migration 5; never edit once shipped.
 *
 * The pairs that must be unique are the same, and the lookup of a retried send names both
 * columns, so nothing changes for a client. What changes is where a new entry lands: client
 * ids are UUIDv7 (the SDK's, time first), so with the time leading, every new entry goes to
 * the right edge of the index, and a group commit of a hundred messages dirties two or three
 * of its pages instead of one per sender (a WAL frame of 4 KiB each, written again by the
 * checkpoint). Measured on a bench database: 28.6 → 18.5 KB written and about a fifth less
 * writer CPU per message (docs/performance.md). Ids that are not time-ordered still work; they
 * land where they sort, as every id did before.
 */
export const MIGRATION_005_CLIENT_ID_ORDER: Migration = {
  version: 5,
  name: 'send idempotency index keyed by client id first',
  sql: `
    DROP INDEX events_by_client_msg_id;
    CREATE UNIQUE INDEX events_by_client_msg_id ON events(client_msg_id, sender)
      WHERE client_msg_id IS NOT NULL;
  `,
};
