import { KDF_DEFAULTS, KDF_LIMITS } from '../protocol/auth.js';
import type { KdfParams } from '../protocol/auth.js';
import { assertBytes, fromB64u, toB64u, utf8, zeroize } from './encoding.js';
import { LABELS } from './labels.js';
import type { CryptoProvider } from './provider.js';

/** Output length of the password KDF and of every key derived from it. */
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** Options of {@link argon2id}. */
export interface Argon2idOptions {
  /** Called with the completed fraction (0…1) while the derivation runs. Default: none. */
  onProgress?: (fraction: number) => void;
}

/**
 * Stretches a password into the 32-byte `master` secret with Argon2id (RFC 9106), in pure
 * JavaScript (noble) on every backend: WebCrypto has no memory-hard KDF. The password is NFKC
 * normalised first, so the same password typed on different keyboards or OSes gives the same key.
 *
 * Runs asynchronously, yielding to the event loop; in browsers, call it from a Web Worker.
 * noble's Argon2id is imported on first use, so a bundle whose derivations run in the worker
 * does not carry it on the main thread.
 *
 * @param password - The user's password.
 * @param params - Stored per user; checked against the floor and ceiling in `KDF_LIMITS` so a
 *   malicious server can neither weaken nor exhaust the client.
 * @param options - Progress reporting.
 * @returns `master` (32 bytes). Zero it when done.
 * @throws RangeError if the parameters are outside `KDF_LIMITS` or the salt is not 16 bytes.
 */
export async function argon2id(
  password: string,
  params: KdfParams,
  options: Argon2idOptions = {},
): Promise<Uint8Array> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  assertKdfParams(params);
  const salt = fromB64u(params.salt);
  assertBytes(salt, 'salt', SALT_LENGTH);
  const { argon2idAsync } = await import('@noble/hashes/argon2.js');
  const pwd = utf8(password.normalize('NFKC'));
  try {
    return await argon2idAsync(pwd, salt, {
      m: params.m,
      t: params.t,
      p: params.p,
      dkLen: KEY_LENGTH,
      // noble's default budget is 1 GiB; the exact need is m KiB.
      maxmem: params.m * 1024,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
  } finally {
    zeroize(pwd);
  }
}

/**
 * Splits `master` into the login secret and the key-encryption key with HKDF-SHA256 under
 * distinct labels: the server sees `authKey` and learns nothing about `kek`.
 *
 * @param provider - The crypto backend.
 * @param master - The 32-byte output of {@link argon2id}.
 * @returns `authKey` (sent to the server at login) and `kek` (never leaves the client).
 */
export async function deriveLoginKeys(
  provider: CryptoProvider,
  master: Uint8Array,
): Promise<{ authKey: Uint8Array; kek: Uint8Array }> {
  assertBytes(master, 'master', KEY_LENGTH);
  const [authKey, kek] = await Promise.all([
    provider.hkdf(master, undefined, utf8(LABELS.auth), KEY_LENGTH),
    provider.hkdf(master, undefined, utf8(LABELS.kek), KEY_LENGTH),
  ]);
  return { authKey, kek };
}

/**
 * Fresh Argon2id parameters for a new account or a password change: defaults m = 64 MiB, t = 3,
 * p = 1 and a random 16-byte salt.
 *
 * @param provider - Source of the random salt.
 * @param overrides - Lower `m`/`t` for weak devices (never below m = 19456, t = 2).
 * @throws RangeError if an override is outside `KDF_LIMITS`.
 */
export function newKdfParams(
  provider: CryptoProvider,
  overrides: Partial<Pick<KdfParams, 'm' | 't' | 'p'>> = {},
): KdfParams {
  const params: KdfParams = {
    ...KDF_DEFAULTS,
    ...overrides,
    salt: toB64u(provider.randomBytes(SALT_LENGTH)),
  };
  assertKdfParams(params);
  return params;
}

/**
 * Asserts Argon2id parameters are within `KDF_LIMITS` (floor m = 19456 KiB, t = 2).
 *
 * @throws RangeError otherwise.
 */
export function assertKdfParams(params: KdfParams): void {
  if (params.alg !== 'argon2id') throw new RangeError(`unsupported KDF ${String(params.alg)}`);
  checkRange('m', params.m, KDF_LIMITS.mMin, KDF_LIMITS.mMax);
  checkRange('t', params.t, KDF_LIMITS.tMin, KDF_LIMITS.tMax);
  checkRange('p', params.p, KDF_LIMITS.pMin, KDF_LIMITS.pMax);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`Argon2id ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
