import type { UnlockedAccount } from '../auth/account-keys.js';
import type { KeyBundle } from '../crypto/account.js';
import { fromB64u, toB64u } from '../crypto/encoding.js';
import type { Member } from '../crypto/membership-log.js';
import { acceptIdentity, checkIdentity, markVerified } from '../crypto/trust-store.js';
import type { TrustEntry } from '../crypto/trust-store.js';
import { ChatError } from '../errors.js';
import type { IdentityChange } from '../types.js';

/** Options of {@link TrustManager}; all required. */
export interface TrustManagerOptions {
  /** The signed-in account (its bundle holds the trust store). */
  account: UnlockedAccount;
  /** Encrypts and uploads a bundle (`ChatClient` internals' `updateBundle`). */
  updateBundle: (bundle: KeyBundle) => Promise<void>;
  now: () => number;
  /** A pinned key changed: the `identity-changed` event. */
  onChanged: (change: IdentityChange) => void;
  /** Best-effort work failed (a pin could not be uploaded yet). */
  onError: (error: ChatError) => void;
  /** A user's name for the event, if known. */
  usernameOf: (userId: string) => string | null;
}

/** What the trust store concluded about a contact's identity key (`TrustManager.observe`). */
export type TrustStatus = 'new' | 'trusted' | 'changed';

/**
 * Trust on first use over the user's trust store (crypto.md §7.5), which lives in the encrypted
 * key bundle so pins follow the user to every browser.
 *
 * Every identity key the SDK meets (from the directory, or pinned for a member by a signed
 * membership log) goes through {@link observe}: an unknown user is pinned, a known key passes,
 * and a different key raises `identity-changed` once and stays untrusted until the user calls
 * `acceptIdentity`. Sealing requires the key to be the current pin; reading old messages also
 * accepts keys the user trusted before (so history survives an accepted change).
 *
 * New pins are uploaded in the background, coalesced: many contacts met at once cost one upload.
 */
export class TrustManager {
  readonly #o: TrustManagerOptions;
  readonly #changes = new Map<string, IdentityChange>();
  #upload: Promise<void> | null = null;
  #dirty = false;
  #latest: KeyBundle | null = null;

  /** @param options - See {@link TrustManagerOptions}. */
  constructor(options: TrustManagerOptions) {
    this.#o = options;
  }

  /**
   * Checks the identity key `ik` (base64url) presented for `userId`, pinning it on first sight.
   * A change fires `identity-changed` (once per distinct key) and returns `'changed'`.
   */
  observe(userId: string, ik: string, source: IdentityChange['source']): TrustStatus {
    const account = this.#o.account;
    if (userId === account.userId) {
      return ik === toB64u(account.identityKey) ? 'trusted' : 'changed';
    }
    const check = checkIdentity(account.bundle.trust, userId, fromB64u(ik), this.#o.now());
    if (check.status === 'new') {
      this.#replaceTrust(check.store);
      this.#changes.delete(userId);
    } else if (check.status === 'changed') {
      this.#reportChange(userId, check.entry, ik, source);
    }
    return check.status;
  }

  /** Whether epoch keys may be sealed to `member`: only to the current pin (or yourself). */
  canSealTo(member: Member): boolean {
    const account = this.#o.account;
    if (member.userId === account.userId) return member.ik === toB64u(account.identityKey);
    return this.#entry(member.userId)?.identityKey === member.ik;
  }

  /**
   * Whether a signature by `member` may be believed when reading: the current pin, or a key
   * the user trusted before accepting a change (old messages stay readable).
   */
  canReadFrom(member: Member): boolean {
    if (this.canSealTo(member)) return true;
    const entry = this.#entry(member.userId);
    return entry?.previous?.some((p) => p.identityKey === member.ik) ?? false;
  }

  /** The unaccepted change of `userId`, if any. */
  pendingChange(userId: string): IdentityChange | undefined {
    return this.#changes.get(userId);
  }

  /** The pinned identity key of `userId` (base64url), if any. */
  pinned(userId: string): string | undefined {
    return this.#entry(userId)?.identityKey;
  }

  /**
   * Accepts the changed key last seen for `userId`: it becomes the pin (unverified) and the
   * bundle is uploaded before this resolves.
   *
   * @throws ChatError `not_found` when no change is pending for the user.
   */
  async accept(userId: string): Promise<IdentityChange> {
    const change = this.#changes.get(userId);
    if (change === undefined) {
      throw new ChatError('not_found', `No identity change is pending for ${userId}`);
    }
    const account = this.#o.account;
    this.#replaceTrust(
      acceptIdentity(account.bundle.trust, userId, fromB64u(change.newKey), this.#o.now()),
    );
    this.#changes.delete(userId);
    await this.flush();
    return change;
  }

  /**
   * Marks the pinned key of `userId` as verified (safety numbers compared).
   *
   * @param ik - The key the compared safety number was computed from.
   * @throws ChatError `conflict` when the pin changed meanwhile.
   */
  async verify(userId: string, ik: string): Promise<void> {
    const account = this.#o.account;
    try {
      this.#replaceTrust(markVerified(account.bundle.trust, userId, fromB64u(ik)));
    } catch (cause) {
      throw new ChatError('conflict', 'The identity key changed; compare safety numbers again', {
        cause,
      });
    }
    await this.flush();
  }

  /** Waits until every trust change made so far is uploaded. */
  async flush(): Promise<void> {
    while (this.#upload !== null || this.#dirty) {
      if (this.#upload === null) this.#startUpload();
      await this.#upload;
    }
  }

  #entry(userId: string): TrustEntry | undefined {
    const { entries } = this.#o.account.bundle.trust;
    return Object.hasOwn(entries, userId) ? entries[userId] : undefined;
  }

  #reportChange(userId: string, entry: TrustEntry, ik: string, source: IdentityChange['source']) {
    if (this.#changes.get(userId)?.newKey === ik) return;
    const change: IdentityChange = {
      userId,
      username: this.#o.usernameOf(userId),
      previousKey: entry.identityKey,
      newKey: ik,
      previouslyVerified: entry.verified,
      source,
    };
    this.#changes.set(userId, change);
    this.#o.onChanged(change);
  }

  #replaceTrust(trust: KeyBundle['trust']): void {
    const account = this.#o.account;
    if (trust === account.bundle.trust) return;
    account.bundle = { ...account.bundle, trust };
    this.#latest = account.bundle;
    this.#dirty = true;
    if (this.#upload === null) this.#startUpload();
  }

  #startUpload(): void {
    this.#dirty = false;
    const account = this.#o.account;
    const uploading = account.bundle;
    this.#upload = this.#o
      .updateBundle(uploading)
      .then(
        () => {
          // updateBundle installs the bundle it uploaded; pins made meanwhile must not be
          // rolled back, so the newest one goes back in and is uploaded next.
          if (this.#latest !== null && this.#latest !== uploading) {
            account.bundle = this.#latest;
            this.#dirty = true;
          }
        },
        (error: unknown) => {
          this.#dirty = true;
          this.#o.onError(
            ChatError.is(error)
              ? error
              : new ChatError('internal', 'Could not save the trust store', { cause: error }),
          );
          throw error;
        },
      )
      .finally(() => {
        this.#upload = null;
      });
    this.#upload.catch(() => undefined);
  }
}
