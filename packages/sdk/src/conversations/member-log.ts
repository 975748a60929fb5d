import { canonicalJson } from '../crypto/canonical-json.js';
import { isCryptoError } from '../crypto/errors.js';
import { parseSignedMembershipEntry } from '../crypto/membership-entry.js';
import type { SignedMembershipEntry } from '../crypto/membership-entry.js';
import { applyMembershipEntry, replayMembershipHistory } from '../crypto/membership-log.js';
import type { MembershipHistory, MembershipState } from '../crypto/membership-log.js';
import { ChatError } from '../errors.js';
import { memberEntryList } from '../protocol/conversations.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';

/** Entries per page when fetching a log. */
const PAGE = 1000;

/**
 * A conversation's signed membership log, verified (crypto.md §7.6): every entry's signature,
 * its place in the hash chain and the membership rules. The server only relays entries, so a
 * log it forged, reordered or forked is refused as a whole with `decryption_failed`, and no
 * epoch key is ever sealed to a member the log did not really add.
 *
 * Every identity key the log pins for a member goes through the trust store, so a member added
 * with a key other than the one pinned for them raises `identity-changed`.
 */
export class MemberLog {
  readonly #ctx: ConversationContext;
  readonly #conv: string;
  readonly #entries: SignedMembershipEntry[];
  readonly #history: MembershipHistory;
  readonly #later = new Map<number, MembershipState>();
  #current: MembershipState;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    ctx: ConversationContext,
    conv: string,
    entries: SignedMembershipEntry[],
    history: MembershipHistory,
  ) {
    this.#ctx = ctx;
    this.#conv = conv;
    this.#entries = entries;
    this.#history = history;
    this.#current = history.current;
  }

  /**
   * Fetches and verifies a conversation's whole log.
   *
   * @throws ChatError `decryption_failed` for a log that does not verify; REST errors.
   */
  static async fetch(ctx: ConversationContext, conv: string): Promise<MemberLog> {
    const raw = await fetchEntries(ctx, conv, -1);
    let history: MembershipHistory;
    try {
      history = await replayMembershipHistory(ctx.provider, raw, { conv });
    } catch (error) {
      throw rejected(error);
    }
    const entries = raw.map((entry) => parseSignedMembershipEntry(entry));
    const log = new MemberLog(ctx, conv, entries, history);
    for (const signed of entries) log.#observe(signed);
    return log;
  }

  /** The member set after the newest entry. */
  get current(): MembershipState {
    return this.#current;
  }

  /** The member set after entry `seq`, or `undefined` if the log does not reach it. */
  at(seq: number): Promise<MembershipState | undefined> {
    const later = this.#later.get(seq);
    if (later !== undefined) return Promise.resolve(later);
    return this.#history.at(seq);
  }

  /**
   * Applies an entry that arrived as a log event.
   *
   * @returns `'applied'`; `'known'` when the log already holds it (and it is the same entry);
   *   `'gap'` when entries before it are missing (call {@link catchUp}).
   * @throws ChatError `decryption_failed` for an entry that does not verify or forks the log.
   */
  apply(raw: unknown): Promise<'applied' | 'known' | 'gap'> {
    return this.#exclusive(() => this.#apply(raw));
  }

  /** Fetches and applies the entries after the newest one held. */
  catchUp(): Promise<void> {
    return this.#exclusive(async () => {
      const raw = await fetchEntries(this.#ctx, this.#conv, this.#current.seq);
      for (const entry of raw) await this.#apply(entry);
    });
  }

  async #apply(raw: unknown): Promise<'applied' | 'known' | 'gap'> {
    let signed: SignedMembershipEntry;
    try {
      signed = parseSignedMembershipEntry(raw);
    } catch (error) {
      throw rejected(error);
    }
    const { seq } = signed.entry;
    if (seq <= this.#current.seq) {
      const known = this.#entries[seq];
      if (known === undefined || canonicalJson(known) !== canonicalJson(signed)) {
        throw rejected(new Error(`a second, different entry at seq ${seq}`));
      }
      return 'known';
    }
    if (seq > this.#current.seq + 1) return 'gap';
    try {
      this.#current = await applyMembershipEntry(this.#ctx.provider, this.#current, signed, {
        conv: this.#conv,
      });
    } catch (error) {
      throw rejected(error);
    }
    this.#entries.push(signed);
    this.#later.set(seq, this.#current);
    this.#observe(signed);
    return 'applied';
  }

  // Entries arrive from the push, from sync and from catch-ups at the same time; applying them
  // one at a time keeps the chain check meaningful.
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #observe(signed: SignedMembershipEntry): void {
    const { op, target, targetIk } = signed.entry;
    if (op === 'create' || op === 'add') this.#ctx.trust.observe(target, targetIk, 'membership');
  }
}

async function fetchEntries(
  ctx: ConversationContext,
  conv: string,
  after: number,
): Promise<unknown[]> {
  const entries: unknown[] = [];
  let cursor = after;
  for (;;) {
    const page = await ctx.rest.request(
      'GET',
      conversationPath(conv, `/members?after=${cursor}&limit=${PAGE}`),
      { schema: memberEntryList },
    );
    for (const item of page.entries) {
      entries.push({ entry: item.entry, sig: item.sig });
      cursor = item.entry.seq;
    }
    if (!page.hasMore || page.entries.length === 0) return entries;
  }
}

function rejected(cause: unknown): ChatError {
  const detail = isCryptoError(cause) || cause instanceof Error ? `: ${cause.message}` : '';
  return new ChatError(
    'decryption_failed',
    `The membership log of this conversation does not verify${detail}`,
    { cause },
  );
}
