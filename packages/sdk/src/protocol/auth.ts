import * as z from 'zod';

/** Unpadded base64url, the encoding of every byte string on the wire. */
export const b64u = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

/** A base64url string that decodes to exactly `n` bytes. */
export function b64uBytes(n: number) {
  const len = Math.ceil((n * 4) / 3);
  return b64u.length(len, `must be ${n} bytes as unpadded base64url (${len} characters)`);
}

/** A base64url string of at most `maxBytes` bytes once decoded. */
export function b64uMax(maxBytes: number) {
  return b64u.max(Math.ceil((maxBytes * 4) / 3), `must be at most ${maxBytes} bytes`);
}

/** Usernames: 3–32 characters, lower-case letters, digits, `_`, `.`, `-`, starting alphanumeric. */
export const username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{2,31}$/,
    'must be 3-32 characters: a-z, 0-9, "_", "." or "-", starting with a letter or digit',
  );

/** A display name: 1–64 characters after trimming. */
export const displayName = z.string().trim().min(1).max(64);

/**
 * Argon2id floor (OWASP minimum: m=19 MiB, t=2) and ceiling (so a client never has to
 * stretch a password with absurd parameters chosen by someone else).
 */
export const KDF_LIMITS = {
  mMin: 19_456,
  mMax: 1_048_576,
  tMin: 2,
  tMax: 10,
  pMin: 1,
  pMax: 4,
} as const;

/** Default Argon2id parameters for new accounts: m=64 MiB, t=3, p=1. */
export const KDF_DEFAULTS = { alg: 'argon2id', m: 65_536, t: 3, p: 1 } as const;

/** Argon2id parameters and salt of an account, as stored and returned by prelogin. */
export const kdfParams = z.object({
  alg: z.literal('argon2id'),
  /** Memory in KiB. */
  m: z.number().int().min(KDF_LIMITS.mMin).max(KDF_LIMITS.mMax),
  t: z.number().int().min(KDF_LIMITS.tMin).max(KDF_LIMITS.tMax),
  p: z.number().int().min(KDF_LIMITS.pMin).max(KDF_LIMITS.pMax),
  /** 16 random bytes chosen by the client at registration. */
  salt: b64uBytes(16),
});
/** The type of {@link kdfParams}. */
export type KdfParams = z.infer<typeof kdfParams>;

/** A key-agreement (X25519) public key signed by the owner's identity key. */
export const signedKaKey = z.object({
  kaId: b64uBytes(16),
  pub: b64uBytes(32),
  notBefore: z.number().int().nonnegative(),
  notAfter: z.number().int().positive(),
  sig: b64uBytes(64),
});
/** The type of {@link signedKaKey}. */
export type SignedKaKey = z.infer<typeof signedKaKey>;

/** Largest encrypted key bundle accepted (keys plus the trust store). */
export const MAX_BUNDLE_BYTES = 256 * 1024;

/** Body of `POST /auth/prelogin`. */
export const preloginRequest = z.object({ username: z.string().min(1).max(64) });
/** Answer of `POST /auth/prelogin`: the KDF parameters (a stable fake salt for unknown names). */
export const preloginResponse = z.object({ kdf: kdfParams });

/** User ids: 16 random bytes as base64url, chosen by the client so it can sign keys before registering. */
export const userId = b64uBytes(16);

/** Body of `POST /auth/register`. */
export const registerRequest = z.object({
  /** Chosen by the client (16 random bytes): the key-agreement key's signature covers it. */
  id: userId,
  username,
  displayName: displayName.optional(),
  kdf: kdfParams,
  /** HKDF(master, "cs1/auth"): the only password-derived value the server ever sees. */
  authKey: b64uBytes(32),
  /** The account key under the client's KEK (nonce ‖ ciphertext ‖ tag). */
  wrappedAccountKey: b64uMax(128),
  /** The private key bundle under the account key. */
  encBundle: b64uMax(MAX_BUNDLE_BYTES),
  /** Ed25519 identity public key. */
  identityKey: b64uBytes(32),
  keyAgreementKey: signedKaKey,
});
/** The type of {@link registerRequest}. */
export type RegisterRequest = z.infer<typeof registerRequest>;

/** Body of `POST /auth/login`. */
export const loginRequest = z.object({
  username: z.string().min(1).max(64),
  authKey: b64uBytes(32),
});
/** The type of {@link loginRequest}. */
export type LoginRequest = z.infer<typeof loginRequest>;

/** A user's public fields. */
export const publicUser = z.object({
  id: userId,
  username,
  displayName: z.string(),
});
/** A user's public fields, as any signed-in user may look them up. */
export type PublicUser = z.infer<typeof publicUser>;

/** What the client needs to unlock its keys: returned at login and by `GET /me/keys`. */
export const accountKeys = z.object({
  kdf: kdfParams,
  wrappedAccountKey: b64u,
  encBundle: b64u,
  identityKey: b64uBytes(32),
  keyAgreementKeys: z.array(signedKaKey),
});
/** The type of {@link accountKeys}. */
export type AccountKeys = z.infer<typeof accountKeys>;

/** An access token and a refresh token, with their expiry. */
export const tokenPair = z.object({
  accessToken: z.string(),
  /** Epoch milliseconds. */
  accessTokenExpiresAt: z.number().int(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number().int(),
  sessionId: z.string(),
});
/** The type of {@link tokenPair}. */
export type TokenPair = z.infer<typeof tokenPair>;

/** Answer of register and login: tokens, the user and their account key material. */
export const authResponse = tokenPair.extend({ user: publicUser, keys: accountKeys });
/** The type of {@link authResponse}. */
export type AuthResponse = z.infer<typeof authResponse>;

/** Body of `POST /auth/refresh`. */
export const refreshRequest = z.object({ refreshToken: z.string().min(1).max(256) });
/** The type of {@link refreshRequest}. */
export type RefreshRequest = z.infer<typeof refreshRequest>;

/** Body of `POST /auth/password`. */
export const changePasswordRequest = z.object({
  currentAuthKey: b64uBytes(32),
  newKdf: kdfParams,
  newAuthKey: b64uBytes(32),
  newWrappedAccountKey: b64uMax(128),
});
/** The type of {@link changePasswordRequest}. */
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** Body of `DELETE /account`. */
export const deleteAccountRequest = z.object({ authKey: b64uBytes(32) });
/** The type of {@link deleteAccountRequest}. */
export type DeleteAccountRequest = z.infer<typeof deleteAccountRequest>;

/** One session of the account. */
export const sessionInfo = z.object({
  id: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
/** One session of the account (a signed-in browser or process), as `client.sessions()` lists them. */
export type SessionInfo = z.infer<typeof sessionInfo>;

/** Answer of `GET /auth/sessions`. */
export const sessionList = z.object({ sessions: z.array(sessionInfo) });
/** The type of {@link sessionList}. */
export type SessionList = z.infer<typeof sessionList>;

/** Path parameter of `DELETE /auth/sessions/:id`. */
export const sessionIdParam = z.object({ id: z.string().min(1).max(64) });

/** Path prefix of every REST route. */
export const API_PREFIX = '/api/v1';

/** `PUT /me/keys/bundle`: replace the encrypted key bundle (after a trust or key change). */
export const updateBundleRequest = z.object({ encBundle: b64uMax(MAX_BUNDLE_BYTES) });
/** The type of {@link updateBundleRequest}. */
export type UpdateBundleRequest = z.infer<typeof updateBundleRequest>;
