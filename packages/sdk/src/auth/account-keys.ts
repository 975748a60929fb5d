import {
  createAccount,
  decryptBundle,
  encryptBundle,
  unwrapAccountKey,
  wrapAccountKey,
} from '../crypto/account.js';
import type { KeyBundle } from '../crypto/account.js';
import { equalBytes, fromB64u, toB64u, zeroize } from '../crypto/encoding.js';
import { isCryptoError } from '../crypto/errors.js';
import { deriveLoginKeys, newKdfParams } from '../crypto/kdf.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ChatError } from '../errors.js';
import type { AccountKeys, KdfParams, RegisterRequest, SignedKaKey } from '../protocol/auth.js';
import type { KdfRunner } from './kdf-runner.js';

/**
 * The signed-in user's keys, unlocked: held in memory only (never in storage, apart from the
 * account key of a persisted session) and zeroed on sign-out.
 */
export interface UnlockedAccount {
  userId: string;
  /** The 32-byte account key; the key bundle is encrypted under it. */
  accountKey: Uint8Array;
  /** Private keys and trust store. */
  bundle: KeyBundle;
  /** Ed25519 identity public key. */
  identityKey: Uint8Array;
  /** The user's published key-agreement keys, as the server lists them. */
  keyAgreementKeys: SignedKaKey[];
}

/** The two password-derived keys: `authKey` goes to the server, `kek` never leaves. */
export interface LoginSecrets {
  authKey: Uint8Array;
  kek: Uint8Array;
}

/** The Argon2id cost of new accounts and password changes (the salt is always fresh). */
export type KdfCost = Pick<KdfParams, 'm' | 't' | 'p'>;

/**
 * Stretches a password with the user's KDF parameters and splits the result into `authKey` and
 * `kek`. The intermediate `master` is zeroed before returning.
 */
export async function deriveSecrets(
  provider: CryptoProvider,
  runKdf: KdfRunner,
  password: string,
  kdf: KdfParams,
  onProgress?: (fraction: number) => void,
): Promise<LoginSecrets> {
  const master = await runKdf(password, kdf, onProgress ? { onProgress } : {});
  try {
    return await deriveLoginKeys(provider, master);
  } finally {
    zeroize(master);
  }
}

/**
 * Unwraps the account key with the KEK.
 *
 * @throws ChatError `unauthorized` when it does not open: a wrong password and a tampered blob
 *   look the same to the caller, by design.
 */
export async function unwrapWithKek(
  provider: CryptoProvider,
  kek: Uint8Array,
  userId: string,
  keys: Pick<AccountKeys, 'kdf' | 'wrappedAccountKey'>,
): Promise<Uint8Array> {
  try {
    return await unwrapAccountKey(provider, kek, fromB64u(keys.wrappedAccountKey), {
      userId,
      kdf: keys.kdf,
    });
  } catch (cause) {
    if (isCryptoError(cause) || cause instanceof TypeError) {
      throw new ChatError('unauthorized', 'Wrong username or password', { cause });
    }
    throw cause;
  }
}

/**
 * Decrypts the key bundle with the account key and checks it against the public keys the
 * server returned, so a server that substituted the user's identity key is caught here.
 *
 * @throws ChatError `decryption_failed` when the bundle does not open or does not match.
 */
export async function openAccount(
  provider: CryptoProvider,
  userId: string,
  accountKey: Uint8Array,
  keys: AccountKeys,
): Promise<UnlockedAccount> {
  let bundle: KeyBundle;
  try {
    bundle = await decryptBundle(provider, accountKey, userId, fromB64u(keys.encBundle));
  } catch (cause) {
    if (!isCryptoError(cause) && !(cause instanceof TypeError)) throw cause;
    throw new ChatError('decryption_failed', 'The key bundle could not be decrypted', { cause });
  }
  const identityKey = await provider.ed25519PublicKey(bundle.identitySeed);
  if (!equalBytes(identityKey, fromB64u(keys.identityKey))) {
    throw new ChatError(
      'decryption_failed',
      'The server returned an identity key that does not match the account',
    );
  }
  return { userId, accountKey, bundle, identityKey, keyAgreementKeys: keys.keyAgreementKeys };
}

/** Input of {@link buildRegistration}. */
export interface RegistrationInput {
  username: string;
  password: string;
  displayName?: string;
  cost: KdfCost;
  now: number;
  onProgress?: (fraction: number) => void;
}

/**
 * Creates everything a new account needs on the client (crypto.md §7.4 step 2): a random user
 * id, fresh KDF parameters, the identity and first key-agreement keys, a random account key
 * wrapped under the KEK and the bundle encrypted under the account key.
 *
 * @returns The `POST /auth/register` body and the unlocked account to keep in memory.
 */
export async function buildRegistration(
  provider: CryptoProvider,
  runKdf: KdfRunner,
  input: RegistrationInput,
): Promise<{ request: RegisterRequest; account: UnlockedAccount }> {
  const userId = toB64u(provider.randomBytes(16));
  const kdf = newKdfParams(provider, input.cost);
  const secrets = await deriveSecrets(provider, runKdf, input.password, kdf, input.onProgress);
  try {
    const created = await createAccount(provider, { userId, now: input.now });
    const wrapped = await wrapAccountKey(provider, secrets.kek, created.accountKey, {
      userId,
      kdf,
    });
    const encBundle = await encryptBundle(provider, created.accountKey, userId, created.bundle);
    const request: RegisterRequest = {
      id: userId,
      username: input.username,
      ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
      kdf,
      authKey: toB64u(secrets.authKey),
      wrappedAccountKey: toB64u(wrapped),
      encBundle: toB64u(encBundle),
      identityKey: toB64u(created.identityKey),
      keyAgreementKey: created.keyAgreementKey,
    };
    const account: UnlockedAccount = {
      userId,
      accountKey: created.accountKey,
      bundle: created.bundle,
      identityKey: created.identityKey,
      keyAgreementKeys: [created.keyAgreementKey],
    };
    return { request, account };
  } finally {
    zeroize(secrets.authKey, secrets.kek);
  }
}

/**
 * Overwrites the secret bytes of an unlocked account (account key, identity seed, key-agreement
 * private keys) so they do not linger in memory after sign-out. Strings derived from them (a
 * persisted session's base64url) cannot be erased; that is why sign-out also deletes the
 * stored session.
 */
export function wipeAccount(account: UnlockedAccount): void {
  zeroize(account.accountKey, account.bundle.identitySeed);
  for (const ka of account.bundle.kaKeys) zeroize(ka.privateKey);
}
