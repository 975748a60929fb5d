import { concatBytes, fromB64u, fromUtf8, toB64u, utf8, zeroize } from '../crypto/encoding.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { JsonValue, LocalStore } from '../store/local-store.js';

/**
 * HKDF label of the local-store key: `HKDF-SHA256(ikm = account key, salt = none,
 * info = "parley/local-store/v1|" + userId, 32 bytes)`. Also the prefix of every value's AAD
 * (`"parley/local-store/v1|" + storage key`), so a value copied under another key, or into
 * another user's store, does not decrypt.
 */
export const LOCAL_STORE_LABEL = 'parley/local-store/v1';

const NONCE_LENGTH = 12;

/**
 * The SDK's per-user view of a {@link LocalStore}: every value is JSON encrypted with
 * AES-256-GCM under a key derived from the account key (DESIGN §6), under keys
 * `parley:<userId>:<name>`. The outbox (plaintext of unsent messages), the sync cursors and the
 * decrypted-message cache live here, so someone who copies the store's files or IndexedDB gets
 * ciphertext only, unless they also hold the account key (which a persisted session keeps in the
 * same store: see `StoredSession` for that trade-off).
 *
 * A value that does not decrypt or parse (another account key after a key reset, tampering,
 * an older format) reads as absent, so a bad entry can never wedge the client.
 */
export class EncryptedStore {
  readonly #provider: CryptoProvider;
  readonly #store: LocalStore;
  readonly #prefix: string;
  #key: Uint8Array | null;

  private constructor(
    provider: CryptoProvider,
    store: LocalStore,
    userId: string,
    key: Uint8Array,
  ) {
    this.#provider = provider;
    this.#store = store;
    this.#prefix = `parley:${userId}:`;
    this.#key = key;
  }

  /**
   * Derives the user's local key and opens their part of `store`.
   *
   * @param accountKey - The 32-byte account key (not kept: only the derived key is).
   */
  static async open(
    provider: CryptoProvider,
    store: LocalStore,
    userId: string,
    accountKey: Uint8Array,
  ): Promise<EncryptedStore> {
    const key = await provider.hkdf(
      accountKey,
      undefined,
      utf8(`${LOCAL_STORE_LABEL}|${userId}`),
      32,
    );
    return new EncryptedStore(provider, store, userId, key);
  }

  /** The full storage key of `name`. */
  keyOf(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /**
   * Reads and decrypts `name`.
   *
   * @returns The value, or `undefined` when absent or unreadable.
   */
  async get(name: string): Promise<unknown> {
    const key = this.keyOf(name);
    const raw = await this.#store.get(key);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    const box = (raw as { box?: unknown }).box;
    if (raw.v !== 1 || typeof box !== 'string') return undefined;
    try {
      const bytes = fromB64u(box);
      const plaintext = await this.#provider.aesGcmDecrypt(
        this.#requireKey(),
        bytes.subarray(0, NONCE_LENGTH),
        bytes.subarray(NONCE_LENGTH),
        this.#aad(key),
      );
      return JSON.parse(fromUtf8(plaintext)) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Encrypts and stores `value` under `name`; durable when the promise resolves. */
  async set(name: string, value: JsonValue): Promise<void> {
    const key = this.keyOf(name);
    const nonce = this.#provider.randomBytes(NONCE_LENGTH);
    const ct = await this.#provider.aesGcmEncrypt(
      this.#requireKey(),
      nonce,
      utf8(JSON.stringify(value)),
      this.#aad(key),
    );
    await this.#store.set(key, { v: 1, box: toB64u(concatBytes(nonce, ct)) });
  }

  /** Removes `name`. */
  delete(name: string): Promise<void> {
    return this.#store.delete(this.keyOf(name));
  }

  /** Zeroes the key; further reads and writes throw. */
  close(): void {
    if (this.#key) zeroize(this.#key);
    this.#key = null;
  }

  #aad(key: string): Uint8Array {
    return utf8(`${LOCAL_STORE_LABEL}|${key}`);
  }

  #requireKey(): Uint8Array {
    if (this.#key === null) throw new TypeError('the encrypted store is closed');
    return this.#key;
  }
}
