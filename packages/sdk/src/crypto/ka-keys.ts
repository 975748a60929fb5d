import type { SignedKaKey } from '../protocol/auth.js';
import { canonicalBytes } from './canonical-json.js';
import { assertBytes, concatBytes, fromB64u, toB64u, utf8 } from './encoding.js';
import { LABELS } from './labels.js';
import type { CryptoProvider } from './provider.js';

/** How long a key-agreement key is valid, and how often a new one is made: 30 days. */
export const KA_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Tolerated clock difference between the key's creator and a verifier: 5 minutes. */
export const KA_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A key-agreement (X25519) key pair as kept in the private key bundle. */
export interface KaPrivateKey {
  /** 16 random bytes naming the key (envelopes say which key they were sealed to). */
  kaId: Uint8Array;
  /** X25519 private key, 32 bytes. */
  privateKey: Uint8Array;
  /** X25519 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** Start of validity, epoch ms. */
  notBefore: number;
  /** End of validity (exclusive), epoch ms. */
  notAfter: number;
  /** Ed25519 signature by the identity key over {@link kaSignaturePayload}. */
  sig: Uint8Array;
}

/**
 * The exact bytes an identity key signs to vouch for a key-agreement key:
 * `utf8("cs1/ka-sig") ‖ canonical JSON of {kaId, notAfter, notBefore, pub, userId}` with `kaId` and
 * `pub` as unpadded base64url. The label keeps this signature from ever verifying as any other
 * cs1 signature; canonical JSON makes the field boundaries unambiguous.
 */
export function kaSignaturePayload(
  userId: string,
  key: { kaId: Uint8Array | string; pub: Uint8Array | string; notBefore: number; notAfter: number },
): Uint8Array {
  const body = canonicalBytes({
    userId,
    kaId: key.kaId,
    pub: key.pub,
    notBefore: key.notBefore,
    notAfter: key.notAfter,
  });
  return concatBytes(utf8(LABELS.kaSig), body);
}

/**
 * Makes a fresh key-agreement key valid from `now` for {@link KA_LIFETIME_MS}, signed by the
 * identity key.
 *
 * @param identitySeed - The 32-byte Ed25519 identity seed.
 */
export async function createKaKey(
  provider: CryptoProvider,
  identitySeed: Uint8Array,
  userId: string,
  now: number,
): Promise<KaPrivateKey> {
  assertBytes(identitySeed, 'identitySeed', 32);
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError('now must be epoch milliseconds');
  const privateKey = provider.randomBytes(32);
  const publicKey = await provider.x25519PublicKey(privateKey);
  const kaId = provider.randomBytes(16);
  const fields = { kaId, pub: publicKey, notBefore: now, notAfter: now + KA_LIFETIME_MS };
  const sig = await provider.ed25519Sign(identitySeed, kaSignaturePayload(userId, fields));
  return {
    kaId,
    privateKey,
    publicKey,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    sig,
  };
}

/** The public, wire form of a key-agreement key (what the directory serves). */
export function toSignedKaKey(key: KaPrivateKey): SignedKaKey {
  return {
    kaId: toB64u(key.kaId),
    pub: toB64u(key.publicKey),
    notBefore: key.notBefore,
    notAfter: key.notAfter,
    sig: toB64u(key.sig),
  };
}

/**
 * Checks a directory entry before anything is sealed to it: well-formed, signed by `userId`'s
 * identity key over exactly these fields, a lifetime of at most 30 days and, when `now` is given,
 * valid at `now` (± {@link KA_CLOCK_SKEW_MS} at the start).
 *
 * @param identityKey - The user's pinned Ed25519 identity key (32 bytes).
 * @returns true if the key may be used; false for any forged, tampered or expired key.
 */
export async function verifyKaKey(
  provider: CryptoProvider,
  identityKey: Uint8Array,
  userId: string,
  key: SignedKaKey,
  now?: number,
): Promise<boolean> {
  assertBytes(identityKey, 'identityKey', 32);
  const decoded = decodeSignedKaKey(key);
  if (decoded === undefined) return false;
  const { notBefore, notAfter } = key;
  if (notAfter <= notBefore || notAfter - notBefore > KA_LIFETIME_MS) return false;
  if (now !== undefined && (now < notBefore - KA_CLOCK_SKEW_MS || now >= notAfter)) return false;
  const payload = kaSignaturePayload(userId, { ...decoded, notBefore, notAfter });
  return provider.ed25519Verify(decoded.sig, payload, identityKey);
}

/**
 * The newest key whose signature checks out and that is valid at `now`: the one to seal to.
 *
 * @returns The chosen key, or undefined if the user has none usable.
 */
export async function selectKaKey(
  provider: CryptoProvider,
  identityKey: Uint8Array,
  userId: string,
  keys: readonly SignedKaKey[],
  now: number,
): Promise<SignedKaKey | undefined> {
  const newestFirst = [...keys].sort((a, b) => b.notBefore - a.notBefore);
  for (const key of newestFirst) {
    if (await verifyKaKey(provider, identityKey, userId, key, now)) return key;
  }
  return undefined;
}

/** True when the newest key in `keys` has reached the end of its validity (or there is none). */
export function isKaRotationDue(keys: readonly KaPrivateKey[], now: number): boolean {
  const newest = keys.reduce<KaPrivateKey | undefined>(
    (a, k) => (a === undefined || k.notBefore > a.notBefore ? k : a),
    undefined,
  );
  return newest === undefined || now >= newest.notAfter;
}

function decodeSignedKaKey(
  key: SignedKaKey,
): { kaId: Uint8Array; pub: Uint8Array; sig: Uint8Array } | undefined {
  if (!Number.isSafeInteger(key.notBefore) || !Number.isSafeInteger(key.notAfter)) return undefined;
  try {
    const kaId = fromB64u(key.kaId);
    const pub = fromB64u(key.pub);
    const sig = fromB64u(key.sig);
    if (kaId.length !== 16 || pub.length !== 32 || sig.length !== 64) return undefined;
    return { kaId, pub, sig };
  } catch {
    return undefined;
  }
}
