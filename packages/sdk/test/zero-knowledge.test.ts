/**
 * Zero knowledge, checked from the outside: after a user registers, logs in elsewhere and changes
 * the password, nothing the server wrote — the SQLite database with its WAL, the audit log, the
 * operational log at its most verbose — contains the password or any key the test knows the
 * client derived or generated.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import type { KdfParams } from '../src/protocol/index.js';
import { ChatClient } from '../src/client.js';
import { clientInternals } from '../src/client.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { argon2id, deriveLoginKeys } from '../src/crypto/kdf.js';
import { createNobleProvider } from '../src/crypto/providers/noble.js';
import { toB64u } from '../src/crypto/encoding.js';
import { LogCapture, TEST_KDF, uniqueUsername } from './test-server.js';

let dataDir: string;
let server: ParleyServer;
let url: string;
const log = new LogCapture();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-zk-'));
  // Real audit log file in the data folder; operational log at its most verbose.
  server = await createServer({ dataDir, port: 0, logLevel: 'trace', logDestination: log });
  ({ url } = await server.listen());
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Every encoding a secret could be written in. */
function forms(bytes: Uint8Array): Buffer[] {
  const b = Buffer.from(bytes);
  return [
    b,
    Buffer.from(toB64u(bytes)),
    Buffer.from(b.toString('base64')),
    Buffer.from(b.toString('hex')),
  ];
}

async function prelogin(username: string): Promise<KdfParams> {
  const res = await fetch(`${url}/api/v1/auth/prelogin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  return ((await res.json()) as { kdf: KdfParams }).kdf;
}

async function passwordSecrets(
  password: string,
  kdf: KdfParams,
): Promise<Record<string, Uint8Array>> {
  const master = await argon2id(password, kdf);
  const { authKey, kek } = await deriveLoginKeys(createNobleProvider(), master);
  return { master, authKey, kek };
}

describe('zero knowledge of the server', () => {
  it('keeps the password, authKey, KEK, account key and private keys out of the database and logs', async () => {
    const username = uniqueUsername('zk');
    const password1 = 'canary-password-Ωmega-7f3a9c';
    const password2 = 'second-canary-pass-b81e44';
    const secrets: Record<string, Uint8Array> = {};

    const alice = new ChatClient({ serverUrl: url, storage: new MemoryStore(), kdf: TEST_KDF });
    await alice.register({ username, password: password1 });
    const account = clientInternals(alice).account();
    expect(account).not.toBeNull();
    if (!account) return;
    const identityPublic = Buffer.from(account.identityKey);
    secrets.accountKey = Uint8Array.from(account.accountKey);
    secrets.identitySeed = Uint8Array.from(account.bundle.identitySeed);
    account.bundle.kaKeys.forEach((k, i) => {
      secrets[`kaPrivate${i}`] = Uint8Array.from(k.privateKey);
    });
    for (const [name, value] of Object.entries(
      await passwordSecrets(password1, await prelogin(username)),
    )) {
      secrets[`${name}1`] = value;
    }

    const laptop = new ChatClient({ serverUrl: url, storage: new MemoryStore(), kdf: TEST_KDF });
    await laptop.login({ username, password: password1 });
    await alice.changePassword({ currentPassword: password1, newPassword: password2 });
    for (const [name, value] of Object.entries(
      await passwordSecrets(password2, await prelogin(username)),
    )) {
      secrets[`${name}2`] = value;
    }
    // The new password works from a fresh client and unlocks the same account key.
    const phone = new ChatClient({ serverUrl: url, storage: new MemoryStore(), kdf: TEST_KDF });
    await phone.login({ username, password: password2 });
    expect(toB64u(clientInternals(phone).account()?.accountKey ?? new Uint8Array())).toBe(
      toB64u(secrets.accountKey),
    );
    await Promise.all([alice.logout(), phone.logout()]);
    laptop.close();
    await server.close();

    // Every file under the data folder, including the files/ tree of encrypted blobs.
    const files = (await readdir(dataDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dataDir, join(entry.parentPath, entry.name)));
    expect(files).toEqual(expect.arrayContaining(['parley.db', 'audit.log']));
    const haystacks: Array<[string, Buffer]> = [['server log', Buffer.from(log.text)]];
    for (const file of files) haystacks.push([file, await readFile(join(dataDir, file))]);
    expect(log.text.length).toBeGreaterThan(0);

    const needles: Array<[string, Buffer]> = [
      ['password1', Buffer.from(password1)],
      ['password2', Buffer.from(password2)],
    ];
    for (const [name, bytes] of Object.entries(secrets)) {
      for (const form of forms(bytes)) needles.push([name, form]);
    }
    const found: string[] = [];
    for (const [where, hay] of haystacks) {
      for (const [name, needle] of needles)
        if (hay.includes(needle)) found.push(`${name} in ${where}`);
    }
    expect(found).toEqual([]);
    // The username is metadata the server needs; seeing it proves the scan reads the right files.
    expect(haystacks.some(([, hay]) => hay.includes(Buffer.from(username)))).toBe(true);
    // Public keys are stored as raw bytes: finding one proves binary needles are matched too.
    expect(haystacks.some(([, hay]) => hay.includes(identityPublic))).toBe(true);
  });
});
