import { describe, expect, it } from 'vitest';
import { createOriginCheck } from './origin-check.js';

describe('createOriginCheck', () => {
  const check = createOriginCheck({ allowedOrigins: ['https://shop.example'] });

  it('allows requests without an Origin (non-browser clients)', () => {
    expect(check(undefined, 'chat.example')).toBe(true);
  });

  it("allows the server's own origin, judged by the Host header", () => {
    expect(check('https://chat.example', 'chat.example')).toBe(true);
    expect(check('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
  });

  it('allows exactly the listed embedding origins', () => {
    expect(check('https://shop.example', 'chat.example')).toBe(true);
    expect(check('https://shop.example.evil.test', 'chat.example')).toBe(false);
    expect(check('https://evil-shop.example', 'chat.example')).toBe(false);
    expect(check('http://shop.example', 'chat.example')).toBe(false);
  });

  it('refuses cross-site origins, opaque origins and look-alike hosts', () => {
    expect(check('https://evil.test', 'chat.example')).toBe(false);
    expect(check('null', 'chat.example')).toBe(false);
    expect(check('https://chat.example.evil.test', 'chat.example')).toBe(false);
    expect(check('file://chat.example', 'chat.example')).toBe(false);
    expect(check('https://evil.test', undefined)).toBe(false);
  });

  it('uses only publicUrl as the own origin when it is configured', () => {
    const pinned = createOriginCheck({ allowedOrigins: [], publicUrl: 'https://chat.example/app' });
    expect(pinned('https://chat.example', 'internal:3000')).toBe(true);
    // A forged Host header cannot turn an attacker's page into the server's own origin.
    expect(pinned('https://evil.test', 'evil.test')).toBe(false);
  });
});
