import { ChatError } from '../errors.js';

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 500;

/** Default and largest number of results. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 200;

/** Options of `client.search()`. Each defaults as documented. */
export interface SearchOptions {
  /** Only messages of this conversation. Default: every conversation the user is in. */
  conversationId?: string;
  /** Only messages from this sender (a user id, as in `Message.sender`). Default: anyone. */
  sender?: string;
  /** Most results returned, 1–200. Default 20. */
  limit?: number;
  /**
   * `'relevance'` (default): best match first, and newer first among equally good ones.
   * `'recent'`: newest first among everything that matches.
   */
  sort?: 'relevance' | 'recent';
}

/**
 * One message found by `client.search()`. To show it in its conversation:
 * `const c = await client.conversations.get(r.conversationId); await c.loadAround(r.seq);`
 * then scroll to the message with `id === r.messageId`.
 */
export interface SearchResult {
  readonly conversationId: string;
  readonly messageId: string;
  /** The message's position in its conversation's log (see `conversation.loadAround`). */
  readonly seq: number;
  /** The sender's user id. */
  readonly sender: string;
  /** Server time of storage, epoch ms. */
  readonly ts: number;
  /** The whole message text. */
  readonly text: string;
  /** Up to about 160 characters of the text around the first match ("…" where cut). */
  readonly snippet: string;
  /** `[start, end)` character ranges of `snippet` that matched, in order, for highlighting. */
  readonly highlights: ReadonlyArray<readonly [start: number, end: number]>;
  /** Relevance (BM25); only meaningful relative to the other results of the same query. */
  readonly score: number;
}

/**
 * Checks a query and its options (the query usually comes straight from a search box).
 *
 * @returns The trimmed query.
 * @throws TypeError when `query` is not a string or an option has the wrong type;
 *   RangeError for a `limit` outside 1–200; ChatError `invalid_input` (field `query`) for a
 *   query longer than {@link MAX_QUERY_LENGTH}.
 */
export function checkSearchInput(query: unknown, options: SearchOptions): string {
  if (typeof query !== 'string') throw new TypeError('search() needs a query string');
  const { conversationId, sender, limit, sort } = options;
  for (const [name, value] of [
    ['conversationId', conversationId],
    ['sender', sender],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw new TypeError(`search() option "${name}" must be a string`);
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT))
    throw new RangeError(`search() option "limit" must be an integer from 1 to ${MAX_LIMIT}`);
  if (sort !== undefined && sort !== 'relevance' && sort !== 'recent')
    throw new TypeError('search() option "sort" must be "relevance" or "recent"');
  const trimmed = query.trim();
  if (trimmed.length > MAX_QUERY_LENGTH) {
    throw new ChatError('invalid_input', `A search is at most ${MAX_QUERY_LENGTH} characters`, {
      field: 'query',
    });
  }
  return trimmed;
}
