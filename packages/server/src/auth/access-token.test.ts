import { createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, base64url, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { createAccessTokens } from './access-token.js';

const OPTIONS = { issuer: 'parley', audience: 'parley-api', ttlSec: 900 };
const NOW = 1_700_000_000_000;
const seed = Uint8Array.from(randomBytes(32));
const tokens = createAccessTokens(seed, OPTIONS);
const subject = { userId: 'user-1', sessionId: 'session-1' };
// The server's own private key, so tests can sign tokens that differ only in one field.
const serverKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der',
  type: 'pkcs8',
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).code;
}

/** Signs a valid-looking token with the server's key, with the given claims and header. */
function signWithServerKey(claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
  const iat = Math.floor(NOW / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ })
    .setIssuedAt(iat)
    .setExpirationTime(iat + 900)
    .setSubject('user-1')
    .setIssuer('parley')
    .setAudience('parley-api')
    .sign(serverKey);
}

describe('access tokens', () => {
  it('verifies its own token and returns user and session', async () => {
    const { token, expiresAt } = await tokens.sign(subject, NOW);
    expect(expiresAt).toBe(NOW + 900_000);
    expect(await tokens.verify(token, NOW + 1000)).toEqual(subject);
  });

  it('puts the pinned algorithm and the access type in the header', async () => {
    const { token } = await tokens.sign(subject, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt' });
  });

  it('answers token_expired after the lifetime, and unauthorized for other defects', async () => {
    const { token } = await tokens.sign(subject, NOW);
    expect(await codeOf(tokens.verify(token, NOW + 900_000))).toBe('token_expired');
    expect(await codeOf(tokens.verify('not.a.jwt', NOW))).toBe('unauthorized');
  });

  it('rejects alg "none", with and without the trailing dot', async () => {
    const unsecured = new UnsecuredJWT({ sid: 'session-1' })
      .setSubject('user-1')
      .setIssuer('parley')
      .setAudience('parley-api')
      .setIssuedAt(Math.floor(NOW / 1000))
      .setExpirationTime(Math.floor(NOW / 1000) + 900)
      .encode();
    expect(await codeOf(tokens.verify(unsecured, NOW))).toBe('unauthorized');
    expect(await codeOf(tokens.verify(unsecured.replace(/\.$/, ''), NOW))).toBe('unauthorized');
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const { token } = await tokens.sign(subject, NOW);
    const [, payload] = token.split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' }));
    const publicForms = [
      tokens.publicKey.export({ format: 'der', type: 'spki' }),
      Buffer.from(tokens.publicKey.export({ format: 'pem', type: 'spki' })),
      Buffer.from(String(tokens.publicKey.export({ format: 'jwk' }).x), 'base64url'),
    ];
    for (const secret of publicForms) {
      const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expect(await codeOf(tokens.verify(`${header}.${payload}.${sig}`, NOW))).toBe('unauthorized');
    }
  });

  it('rejects a token signed by another key', async () => {
    const other = createAccessTokens(Uint8Array.from(randomBytes(32)), OPTIONS);
    const { token } = await other.sign(subject, NOW);
    expect(await codeOf(tokens.verify(token, NOW))).toBe('unauthorized');
  });

  it('rejects a wrong audience, issuer or type even when correctly signed', async () => {
    const wrongAud = createAccessTokens(seed, { ...OPTIONS, audience: 'other-api' });
    const wrongIss = createAccessTokens(seed, { ...OPTIONS, issuer: 'evil' });
    for (const signer of [wrongAud, wrongIss]) {
      const { token } = await signer.sign(subject, NOW);
      expect(await codeOf(tokens.verify(token, NOW))).toBe('unauthorized');
    }
    // The control: the same helper with the right type passes, so only `typ` makes the difference.
    expect(await tokens.verify(await signWithServerKey({ sid: 'session-1' }), NOW)).toEqual(
      subject,
    );
    for (const typ of ['JWT', 'refresh+jwt']) {
      const token = await signWithServerKey({ sid: 'session-1' }, typ);
      expect(await codeOf(tokens.verify(token, NOW))).toBe('unauthorized');
    }
  });

  it('rejects a token without a session id', async () => {
    expect(await codeOf(tokens.verify(await signWithServerKey({}), NOW))).toBe('unauthorized');
    const numeric = await signWithServerKey({ sid: 42 });
    expect(await codeOf(tokens.verify(numeric, NOW))).toBe('unauthorized');
  });

  it('rejects a tampered payload', async () => {
    const { token } = await tokens.sign(subject, NOW);
    const [header, , sig] = token.split('.');
    const forged = base64url.encode(
      JSON.stringify({
        sid: 'session-1',
        sub: 'admin',
        iss: 'parley',
        aud: 'parley-api',
        iat: NOW / 1000,
        exp: NOW / 1000 + 900,
      }),
    );
    expect(await codeOf(tokens.verify(`${header}.${forged}.${sig}`, NOW))).toBe('unauthorized');
  });

  it('rejects an oversized token before parsing it', async () => {
    expect(await codeOf(tokens.verify('a'.repeat(5000), NOW))).toBe('unauthorized');
  });

  it('refuses a seed of the wrong length', () => {
    expect(() => createAccessTokens(new Uint8Array(31), OPTIONS)).toThrow(RangeError);
  });
});
