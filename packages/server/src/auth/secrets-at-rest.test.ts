import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { login, newAccount, registerAccount, withToken } from './test-fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

/** Every spelling a secret could be written in. */
function spellings(b64u: string): Buffer[] {
  const raw = Buffer.from(b64u, 'base64url');
  return [
    raw,
    Buffer.from(b64u),
    Buffer.from(raw.toString('base64')),
    Buffer.from(raw.toString('hex')),
  ];
}

describe('secrets at rest', () => {
  it('leaves no authKey, refresh token or access token in the database files or the logs', async () => {
    const { account, auth } = await registerAccount(t);
    const second = await login(t, account);
    const next = newAccount();
    const change = {
      currentAuthKey: account.authKey,
      newKdf: next.request.kdf,
      newAuthKey: next.authKey,
      newWrappedAccountKey: next.request.wrappedAccountKey,
    };
    const res = await t.fetch('/api/v1/auth/password', withToken(auth.accessToken, 'POST', change));
    expect(res.status).toBe(204);
    const refreshed = await t.post('/api/v1/auth/refresh', { refreshToken: auth.refreshToken });
    expect(refreshed.status).toBe(200);

    const files = (await readdir(t.dataDir)).filter((f) => f.startsWith('parley.db'));
    expect(files).toContain('parley.db');
    const blobs = await Promise.all(files.map((f) => readFile(join(t.dataDir, f))));
    blobs.push(Buffer.from(t.log.text), Buffer.from(JSON.stringify(t.audit)));

    const secrets: Record<string, string> = {
      authKey: account.authKey,
      newAuthKey: next.authKey,
      refreshToken: auth.refreshToken,
      secondRefreshToken: second.refreshToken,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of spellings(secret)) {
        for (const blob of blobs) expect(blob.includes(form), name).toBe(false);
      }
    }
    for (const blob of blobs)
      expect(blob.includes(Buffer.from(auth.accessToken)), 'accessToken').toBe(false);
    // The control: what the server must store is found, so the search itself works.
    const stored = Buffer.from(account.request.identityKey, 'base64url');
    expect(blobs.some((b) => b.includes(stored))).toBe(true);
  });
});
