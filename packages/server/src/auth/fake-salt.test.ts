import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fakeSalt } from './fake-salt.js';

const key = Uint8Array.from(randomBytes(32));

describe('fake prelogin salt', () => {
  it('is 16 bytes of base64url, like a real salt', () => {
    const salt = fakeSalt(key, 'nobody');
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
  });

  it('is the same every time for one username, so repeated asks reveal nothing', () => {
    expect(fakeSalt(key, 'nobody')).toBe(fakeSalt(key, 'nobody'));
  });

  it('differs per username and per server key', () => {
    expect(fakeSalt(key, 'nobody')).not.toBe(fakeSalt(key, 'nobody2'));
    expect(fakeSalt(Uint8Array.from(randomBytes(32)), 'nobody')).not.toBe(fakeSalt(key, 'nobody'));
  });
});
