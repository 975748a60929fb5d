import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { ApiError } from '../http/api-error.js';

/** The only algorithm accepted on verify: an Ed25519 signature (RFC 8037). */
export const ACCESS_TOKEN_ALG = 'EdDSA';
/** The JOSE header `typ` of access tokens (RFC 9068), so no other JWT passes as one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** Tokens longer than this are refused before parsing (real ones are about 300 characters). */
const MAX_TOKEN_LENGTH = 4096;

// An Ed25519 PKCS#8 document is this fixed ASN.1 header followed by the 32-byte seed
// (RFC 8410 §7); it lets Node build the key from the seed kept in the store.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Options of {@link createAccessTokens}. */
export interface AccessTokenOptions {
  /** `iss` claim. Server default `parley`. */
  issuer: string;
  /** `aud` claim. Server default `parley-api`. */
  audience: string;
  /** Lifetime in seconds. Server default 900. */
  ttlSec: number;
}

/** Who an access token speaks for. */
export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

/** Signs and verifies access tokens with one Ed25519 key pair. */
export interface AccessTokens {
  /** Signs a token for the session; `now` in epoch ms. */
  sign(subject: AccessTokenSubject, now: number): Promise<{ token: string; expiresAt: number }>;
  /**
   * Checks signature, algorithm, `typ`, `iss`, `aud` and expiry at `now`. It does not check
   * that the session still exists: `verifyAccessToken` in `authenticator.ts` does.
   * @throws {ApiError} `token_expired` for an expired but otherwise valid token,
   *   `unauthorized` for anything else.
   */
  verify(token: string, now: number): Promise<AccessTokenSubject>;
  /** The verification key (public; exposed for tests and a future JWKS endpoint). */
  readonly publicKey: KeyObject;
}

/**
 * Access tokens are JWTs signed with EdDSA (Ed25519). Verification pins the algorithm, so
 * `alg: none` and HS256-with-the-public-key (algorithm confusion) fail before any claim is
 * read, and demands the `typ` header and `iss`, `aud`, `sub`, `sid`, `iat`, `exp` claims.
 *
 * @param seed - 32-byte Ed25519 private seed (the `jwt-ed25519` server secret).
 */
export function createAccessTokens(seed: Uint8Array, options: AccessTokenOptions): AccessTokens {
  if (seed.length !== 32) throw new RangeError('the Ed25519 seed must be 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);

  return {
    publicKey,
    async sign({ userId, sessionId }, now) {
      const iat = Math.floor(now / 1000);
      const exp = iat + options.ttlSec;
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(userId)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(privateKey);
      return { token, expiresAt: exp * 1000 };
    },
    async verify(token, now) {
      if (token.length > MAX_TOKEN_LENGTH) throw invalid();
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYP,
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['sub', 'sid', 'iat', 'exp'],
          currentDate: new Date(now),
        });
        const { sub, sid } = payload;
        if (typeof sub !== 'string' || typeof sid !== 'string') throw invalid();
        return { userId: sub, sessionId: sid };
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw new ApiError('token_expired', 'The access token has expired', { cause: error });
        }
        throw invalid(error);
      }
    },
  };
}

function invalid(cause?: unknown): ApiError {
  return new ApiError('unauthorized', 'Invalid access token', { cause });
}
