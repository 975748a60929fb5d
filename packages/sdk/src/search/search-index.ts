import MiniSearch from 'minisearch';
import type { AsPlainObject, SearchResult as MiniSearchResult } from 'minisearch';
import type { Message } from '../types.js';
import { buildSnippet } from './snippet.js';
import { DEFAULT_LIMIT } from './search-types.js';
import type { SearchOptions, SearchResult } from './search-types.js';
import {
  TOKENIZER_VERSION,
  isNoSpaceTerm,
  tokenizeForIndex,
  tokenizeForQuery,
} from './tokenizer.js';

/** The format of a persisted index; anything else is discarded and rebuilt. */
export const INDEX_FORMAT = 1;

/**
 * What is persisted: the MiniSearch index with its stored fields, tagged with the versions
 * that produced it.
 */
export interface SerializedIndex {
  readonly v: typeof INDEX_FORMAT;
  readonly tokenizer: number;
  readonly index: AsPlainObject;
}

/**
 * One indexed message. Short field names: they are repeated in the persisted index once per
 * message. `x` (text) and `f` (attachment names) are searched; the others are stored for
 * results.
 */
interface IndexedMessage {
  /**
   * `conversationId/messageId` (ids are base64url, without `/`): message ids are only trusted
   * to be unique within a conversation.
   */
  readonly id: string;
  readonly s: string;
  readonly t: number;
  readonly q: number;
  readonly x: string;
  readonly f: string;
}

const MINISEARCH_OPTIONS = {
  fields: ['x', 'f'],
  storeFields: ['s', 't', 'q', 'x', 'f'],
  tokenize: (text: string) => tokenizeForIndex(text),
  // The tokenizer already folds case and accents; the default would lower-case again.
  processTerm: (term: string) => term,
  searchOptions: {
    tokenize: (text: string) => tokenizeForQuery(text),
    processTerm: (term: string) => term,
  },
};

/**
 * Shortest word matched as the start of longer words. Two letters would expand to a large part
 * of the vocabulary (`co`, `th`) and cost tens of milliseconds at 10,000 messages.
 */
export const MIN_PREFIX = 3;

/**
 * The full-text index of one user's decrypted messages (MiniSearch: BM25 ranking over an
 * in-memory radix tree, with prefix and fuzzy matching). Pure data, no I/O: persisting it and
 * deciding which messages go in is {@link MessageSearch}'s job.
 *
 * Only readable messages are indexed: `sent`, with a `seq` and some text or a file name.
 * Putting a message again replaces its text (an edit); putting it unreadable or empty removes
 * it (a deletion).
 */
export class SearchIndex {
  readonly #mini: MiniSearch<IndexedMessage>;
  /** Which documents belong to each conversation (to drop them all when the user leaves). */
  readonly #byConversation = new Map<string, Set<string>>();

  private constructor(mini: MiniSearch<IndexedMessage>) {
    this.#mini = mini;
  }

  /** An empty index. */
  static create(): SearchIndex {
    return new SearchIndex(new MiniSearch<IndexedMessage>(MINISEARCH_OPTIONS));
  }

  /**
   * An index from its persisted form.
   *
   * @returns `null` when `data` is not an index this version can use (another format or
   *   tokenizer, or damaged): the caller rebuilds from the messages it has.
   */
  static restore(data: unknown): SearchIndex | null {
    if (!isSerializedIndex(data)) return null;
    try {
      const mini = MiniSearch.loadJS<IndexedMessage>(data.index, MINISEARCH_OPTIONS);
      const index = new SearchIndex(mini);
      for (const id of Object.values(data.index.documentIds)) {
        if (typeof id !== 'string' || !id.includes('/')) return null;
        index.#member(conversationOf(id)).add(id);
      }
      return index;
    } catch {
      return null;
    }
  }

  /** Number of messages indexed. */
  get size(): number {
    return this.#mini.documentCount;
  }

  /**
   * Indexes a message, replaces its indexed text if it changed, or removes it when it is not
   * (or no longer) searchable.
   *
   * @returns Whether the index changed.
   */
  put(message: Message): boolean {
    const id = docId(message.conversationId, message.id);
    const doc = toDocument(id, message);
    const existing = this.#mini.getStoredFields(id);
    if (doc === null) return this.#remove(message.conversationId, id);
    if (existing !== undefined) {
      if (existing.x === doc.x && existing.f === doc.f && existing.q === doc.q) return false;
      this.#mini.replace(doc);
      return true;
    }
    this.#mini.add(doc);
    this.#member(message.conversationId).add(id);
    return true;
  }

  /** Whether a message is indexed. */
  has(conversationId: string, messageId: string): boolean {
    return this.#mini.has(docId(conversationId, messageId));
  }

  /**
   * Removes every message of a conversation.
   *
   * @returns Whether anything was removed.
   */
  removeConversation(conversationId: string): boolean {
    const ids = this.#byConversation.get(conversationId);
    this.#byConversation.delete(conversationId);
    if (ids === undefined || ids.size === 0) return false;
    this.#mini.discardAll([...ids]);
    return true;
  }

  /** The conversations with indexed messages. */
  conversations(): string[] {
    return [...this.#byConversation.keys()];
  }

  /**
   * Finds messages. Every query term must match: as typed, as the start of a word (terms of
   * {@link MIN_PREFIX} or more characters, and any Chinese or Japanese one), or with one typo per five
   * characters (terms of five or more, at most two). Exact matches score above prefix and
   * typo matches. Sorted best match first and newer first among equals, or newest first with
   * `sort: 'recent'`.
   *
   * @param visible - Results from conversations it rejects are left out.
   */
  search(
    query: string,
    options: SearchOptions = {},
    visible: (conversationId: string) => boolean = () => true,
  ): SearchResult[] {
    const { conversationId, sender, sort = 'relevance' } = options;
    const limit = options.limit ?? DEFAULT_LIMIT;
    const found = this.#mini.search(query, {
      combineWith: 'AND',
      prefix: (term) => term.length >= MIN_PREFIX || isNoSpaceTerm(term),
      fuzzy: (term) => (term.length >= 5 && !isNoSpaceTerm(term) ? 0.2 : false),
      maxFuzzy: 2,
      filter: (r) => {
        const conversation = conversationOf(r.id as string);
        return (
          (conversationId === undefined || conversation === conversationId) &&
          (sender === undefined || r.s === sender) &&
          visible(conversation)
        );
      },
    });
    const newer = (a: MiniSearchResult, b: MiniSearchResult) => (b.t as number) - (a.t as number);
    found.sort(sort === 'recent' ? newer : (a, b) => b.score - a.score || newer(a, b));
    return found.slice(0, limit).map(toResult);
  }

  /** The persisted form. */
  serialize(): SerializedIndex {
    return { v: INDEX_FORMAT, tokenizer: TOKENIZER_VERSION, index: this.#mini.toJSON() };
  }

  #remove(conversationId: string, id: string): boolean {
    if (!this.#mini.has(id)) return false;
    this.#mini.discard(id);
    this.#byConversation.get(conversationId)?.delete(id);
    return true;
  }

  #member(conversationId: string): Set<string> {
    let ids = this.#byConversation.get(conversationId);
    if (ids === undefined) {
      ids = new Set();
      this.#byConversation.set(conversationId, ids);
    }
    return ids;
  }
}

function docId(conversationId: string, messageId: string): string {
  return `${conversationId}/${messageId}`;
}

function conversationOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}

function toDocument(id: string, message: Message): IndexedMessage | null {
  if (message.status !== 'sent' || message.seq === null) return null;
  const files = message.attachments
    .map((a) => a.name ?? '')
    .filter((name) => name.length > 0)
    .join('\n');
  if (message.text.trim().length === 0 && files.length === 0) return null;
  return {
    id,
    s: message.sender,
    t: message.ts,
    q: message.seq,
    x: message.text,
    f: files,
  };
}

function toResult(found: MiniSearchResult): SearchResult {
  const id = found.id as string;
  const text = found.x as string;
  // A message found by an attachment's name alone shows the name.
  const shown = text.trim().length > 0 ? text : (found.f as string);
  const { snippet, highlights } = buildSnippet(shown, found.terms);
  const conversationId = conversationOf(id);
  return {
    conversationId,
    messageId: id.slice(conversationId.length + 1),
    seq: found.q as number,
    sender: found.s as string,
    ts: found.t as number,
    text,
    snippet,
    highlights,
    score: found.score,
  };
}

function isSerializedIndex(data: unknown): data is SerializedIndex {
  if (typeof data !== 'object' || data === null) return false;
  const candidate = data as Partial<SerializedIndex>;
  return (
    candidate.v === INDEX_FORMAT &&
    candidate.tokenizer === TOKENIZER_VERSION &&
    typeof candidate.index === 'object' &&
    candidate.index !== null &&
    typeof candidate.index.documentIds === 'object' &&
    typeof candidate.index.storedFields === 'object'
  );
}
