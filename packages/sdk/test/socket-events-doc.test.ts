import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DOC_PATH,
  renderClientEvents,
  renderServerEvents,
  withEventTables,
} from '../../../scripts/socket-events.js';
import { CLIENT_EVENT_NAMES } from '../src/protocol/realtime.js';

describe('the Socket.io event tables in docs/protocol.md', () => {
  it('are the ones the schemas generate (run `npm run docs:events` when this fails)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(doc).toBe(withEventTables(doc));
  });

  it('list every event the server accepts', () => {
    const table = renderClientEvents();
    for (const name of CLIENT_EVENT_NAMES) expect(table).toContain(`| \`${name}\` |`);
  });

  it('spell out payloads from the schemas, literals and optional fields included', () => {
    expect(renderClientEvents()).toContain(
      "| `presence:set` | `{ state: 'online' \\| 'away' }` | `{ ok: true }` |",
    );
    expect(renderServerEvents()).toContain(
      "| `session:ended` | `{ reason: 'token_expired' \\| 'session_revoked' }` |",
    );
  });
});
