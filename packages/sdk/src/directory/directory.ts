import { ChatError } from '../errors.js';
import { publicUser } from '../protocol/auth.js';
import type { PublicUser } from '../protocol/auth.js';
import { userKeys, userList } from '../protocol/conversations.js';
import type { UserKeys } from '../protocol/conversations.js';
import type { RestClient } from '../rest/rest-client.js';
import { parseUserRef } from './user-ref.js';

/** Options of {@link Directory}. */
export interface DirectoryOptions {
  /** The REST client (signed in). Required. */
  rest: RestClient;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * How long fetched keys are reused, in ms. Short, so a changed identity key is noticed soon;
   * long enough that one rotation sealing to many members fetches each member once.
   * Default 30 000.
   */
  keysTtlMs?: number;
}

/**
 * The key directory over REST (crypto.md §7.5): user search, lookup by username, and each
 * user's identity and key-agreement keys as the server presents them. Nothing here is trusted:
 * keys go through the trust store and signature checks before anything is sealed to them.
 */
export class Directory {
  readonly #rest: RestClient;
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #byId = new Map<string, PublicUser>();
  readonly #keys = new Map<string, { at: number; keys: Promise<UserKeys> }>();

  /** @param options - See {@link DirectoryOptions}. */
  constructor(options: DirectoryOptions) {
    this.#rest = options.rest;
    this.#now = options.now ?? Date.now;
    this.#ttl = options.keysTtlMs ?? 30_000;
  }

  /** Users whose username starts with `prefix` (case-insensitive), at most `limit` (≤ 50). */
  async search(prefix: string, limit = 20): Promise<PublicUser[]> {
    const query = new URLSearchParams({ prefix: prefix.trim(), limit: String(limit) });
    const { users } = await this.#rest.request('GET', `/users?${query}`, { schema: userList });
    for (const user of users) this.#byId.set(user.id, user);
    return users;
  }

  /** A user by exact username. @throws ChatError `not_found`. */
  async byUsername(username: string): Promise<PublicUser> {
    const user = await this.#rest.request(
      'GET',
      `/users/by-username/${encodeURIComponent(username)}`,
      { schema: publicUser },
    );
    this.#byId.set(user.id, user);
    return user;
  }

  /** What the directory has shown of a user id so far (search, lookups), if anything. */
  known(userId: string): PublicUser | undefined {
    return this.#byId.get(userId);
  }

  /** Remembers a user seen elsewhere (the signed-in user, a conversation peer). */
  remember(user: PublicUser): void {
    this.#byId.set(user.id, user);
  }

  /**
   * The user id a username-or-id names. Usernames are looked up; ids are taken as given (the
   * key fetch that follows fails with `not_found` for an unknown one).
   *
   * @throws ChatError `invalid_input` for neither, `not_found` for an unknown username.
   */
  async resolveId(ref: string): Promise<string> {
    const parsed = parseUserRef(ref);
    if (parsed.kind === 'id') return parsed.id;
    if (parsed.kind === 'username') return (await this.byUsername(parsed.username)).id;
    try {
      return (await this.byUsername(parsed.username)).id;
    } catch (error) {
      if (ChatError.is(error, 'not_found')) return parsed.id;
      throw error;
    }
  }

  /**
   * A user's identity key and key-agreement keys as the server serves them (unverified).
   *
   * @param fresh - Bypass the short cache (before sealing after a failure).
   * @throws ChatError `not_found` for an unknown user.
   */
  keys(userId: string, fresh = false): Promise<UserKeys> {
    const cached = this.#keys.get(userId);
    if (!fresh && cached && this.#now() - cached.at < this.#ttl) return cached.keys;
    const keys = this.#rest
      .request('GET', `/users/${encodeURIComponent(userId)}/keys`, { schema: userKeys })
      .then((found) => {
        if (found.userId !== userId) {
          throw new ChatError('internal', 'The directory answered with keys of another user');
        }
        return found;
      });
    this.#keys.set(userId, { at: this.#now(), keys });
    keys.catch(() => {
      if (this.#keys.get(userId)?.keys === keys) this.#keys.delete(userId);
    });
    return keys;
  }

  /** Forgets cached keys (of one user, or all). */
  forgetKeys(userId?: string): void {
    if (userId === undefined) this.#keys.clear();
    else this.#keys.delete(userId);
  }
}
