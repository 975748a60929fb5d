import { describe, expect, it } from 'vitest';
import { hashRefreshToken, issueRefreshToken, newSessionId } from './refresh-token.js';

describe('refresh tokens', () => {
  it('are 32 random bytes of base64url, stored only as their SHA-256', () => {
    const a = issueRefreshToken();
    const b = issueRefreshToken();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toHaveLength(32);
    expect(hashRefreshToken(a.token)).toEqual(a.hash);
    expect(Buffer.from(a.hash).toString('base64url')).not.toBe(a.token);
  });

  it('session ids are 16 random bytes of base64url', () => {
    expect(newSessionId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newSessionId()).not.toBe(newSessionId());
  });
});
