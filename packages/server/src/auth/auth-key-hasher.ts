import { randomBytes } from 'node:crypto';
import { argon2id, hash, needsRehash, verify } from 'argon2';

/** Options of {@link createAuthKeyHasher}; the server's `authHash` setting. */
export interface AuthKeyHasherOptions {
  /** Argon2id memory in KiB. The server default is 19456 (OWASP's floor). */
  memoryKiB: number;
  /** Argon2id passes. The server default is 2. */
  timeCost: number;
}

/** Hashes and checks authKeys; the server never stores or logs an authKey itself. */
export interface AuthKeyHasher {
  /** argon2id(authKey) with a fresh random salt, as a PHC string. */
  hash(authKey: Uint8Array): Promise<string>;
  /** Whether `authKey` matches the stored PHC string; false (never a throw) for a malformed one. */
  verify(phc: string, authKey: Uint8Array): Promise<boolean>;
  /**
   * Spends the same work as {@link AuthKeyHasher.verify} against a dummy hash and returns
   * false: used when the username is unknown, so the response time does not tell.
   */
  verifyUnknownUser(authKey: Uint8Array): Promise<false>;
  /** Whether a stored hash was made with other parameters than the current ones. */
  needsRehash(phc: string): boolean;
  /**
   * Computes the dummy hash now, so the first unknown-username login is not the one request
   * that takes twice as long (which would itself tell that the name is unknown).
   */
  warmUp(): Promise<void>;
}

/**
 * The server-side half of the cs1 login (research/crypto.md §4.5): argon2id over the authKey
 * with the native `argon2` package, p=1. The authKey is already a 256-bit output of the
 * client's Argon2id, so this hash is not what resists password guessing; it exists so that a
 * stolen database does not contain anything that can be replayed to `/auth/login`.
 *
 * `argon2.verify` recomputes the hash and compares in constant time.
 */
export function createAuthKeyHasher(options: AuthKeyHasherOptions): AuthKeyHasher {
  const params = {
    type: argon2id,
    memoryCost: options.memoryKiB,
    timeCost: options.timeCost,
    parallelism: 1,
  } as const;
  let dummy: Promise<string> | undefined;

  const hashKey = (authKey: Uint8Array) => hash(Buffer.from(authKey), params);
  const dummyHash = () => (dummy ??= hashKey(randomBytes(32)));
  const verifyKey = async (phc: string, authKey: Uint8Array) => {
    try {
      return await verify(phc, Buffer.from(authKey));
    } catch {
      return false;
    }
  };

  return {
    hash: hashKey,
    verify: verifyKey,
    async verifyUnknownUser(authKey) {
      await verifyKey(await dummyHash(), authKey);
      return false;
    },
    async warmUp() {
      await dummyHash();
    },
    needsRehash(phc) {
      try {
        return needsRehash(phc, params);
      } catch {
        return true;
      }
    },
  };
}
