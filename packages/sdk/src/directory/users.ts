import { fromB64u } from '../crypto/encoding.js';
import { verifyKaKey } from '../crypto/ka-keys.js';
import { ChatError } from '../errors.js';
import { publicUser } from '../protocol/auth.js';
import type { PublicUser, SignedKaKey } from '../protocol/auth.js';
import type { RealtimeSession } from '../sync/realtime-session.js';
import type { TrustStatus } from './trust-manager.js';
import { parseUserRef } from './user-ref.js';

/** A user's keys as the directory serves them, checked. */
export interface UserKeysInfo {
  readonly userId: string;
  /** The identity key the directory presents (base64url). */
  readonly identityKey: string;
  /**
   * `new` (first sight, now pinned), `trusted` (the pinned key) or `changed` (not the pinned
   * key: `identity-changed` fired; nothing is sealed to it until accepted).
   */
  readonly trust: TrustStatus;
  /** Key-agreement keys whose signature by `identityKey` verifies and that are valid now. */
  readonly keyAgreementKeys: readonly SignedKaKey[];
}

/**
 * `client.users`: the key directory (crypto.md §7.5). Every method needs a signed-in client.
 *
 * @example
 * ```ts
 * const [bob] = await client.users.search('bo');
 * const keys = await client.users.keys(bob.id); // keys.trust: 'new' | 'trusted' | 'changed'
 * ```
 */
export class Users {
  readonly #session: () => Promise<RealtimeSession>;

  /** @internal Made by `ChatClient`. */
  constructor(session: () => Promise<RealtimeSession>) {
    this.#session = session;
  }

  /** Users whose username starts with `prefix` (case-insensitive), up to `limit` (max 50). */
  async search(prefix: string, limit?: number): Promise<PublicUser[]> {
    return (await this.#session()).directory.search(prefix, limit);
  }

  /**
   * A user by username or id.
   *
   * @throws ChatError `not_found`.
   */
  async get(user: string): Promise<PublicUser> {
    const { directory, ctx } = await this.#session();
    const ref = parseUserRef(user);
    if (ref.kind !== 'id') {
      try {
        return await directory.byUsername(ref.username);
      } catch (error) {
        if (ref.kind === 'username' || !ChatError.is(error, 'not_found')) throw error;
      }
    }
    const known = directory.known(ref.id);
    if (known) return known;
    const found = await ctx.rest.request('GET', `/users/${encodeURIComponent(ref.id)}`, {
      schema: publicUser,
    });
    directory.remember(found);
    return found;
  }

  /**
   * A user's identity key, its trust status, and their verified key-agreement keys.
   *
   * @throws ChatError `not_found`.
   */
  async keys(user: string): Promise<UserKeysInfo> {
    const { directory, trust, ctx } = await this.#session();
    const userId = await directory.resolveId(user);
    const found = await directory.keys(userId, true);
    const status = trust.observe(userId, found.identityKey, 'directory');
    const ik = fromB64u(found.identityKey);
    const now = ctx.now();
    const valid: SignedKaKey[] = [];
    for (const key of found.keyAgreementKeys) {
      if (await verifyKaKey(ctx.provider, ik, userId, key, now)) valid.push(key);
    }
    return { userId, identityKey: found.identityKey, trust: status, keyAgreementKeys: valid };
  }
}
