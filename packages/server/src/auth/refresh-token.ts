import { createHash, randomBytes } from 'node:crypto';

/** A new refresh token and what the store keeps of it. */
export interface IssuedRefreshToken {
  /** 32 random bytes as unpadded base64url; given to the client, never stored. */
  token: string;
  /** SHA-256 of the token, the only form the store holds. */
  hash: Uint8Array;
}

/** Creates a refresh token: 256 bits from the CSPRNG (ASVS 7.2.3 asks for at least 128). */
export function issueRefreshToken(): IssuedRefreshToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/**
 * SHA-256 of a presented token. A fast hash is right here, unlike for passwords: the token is
 * 256 random bits, so there is nothing to guess, and lookups must be cheap.
 */
export function hashRefreshToken(token: string): Uint8Array {
  return Uint8Array.from(createHash('sha256').update(token, 'utf8').digest());
}

/** Creates a session id: 16 random bytes as unpadded base64url. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}
