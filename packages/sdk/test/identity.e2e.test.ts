import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import { toB64u } from '../src/crypto/encoding.js';
import { createKaKey, toSignedKaKey } from '../src/crypto/ka-keys.js';
import { getCryptoProvider } from '../src/crypto/providers/select.js';
import { epochList } from '../src/protocol/conversations.js';
import type { IdentityChange } from '../src/types.js';
import { eventually, registerUser, waitForMessages } from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { caught, newClient, startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

let server: RunningServer;
const clients: ChatClient[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

/**
 * A malicious-server double in front of the real server: once armed, it answers Bob's
 * directory entry with an identity key (and key-agreement keys signed by it) that the attacker
 * holds, and records every write that would seal or add anything.
 */
function attacker() {
  const state = {
    victimId: '',
    armed: false,
    fake: undefined as { identityKey: string; keyAgreementKeys: unknown[] } | undefined,
    writes: [] as string[],
    fetch: (async (input, init) => {
      const url = String(input);
      if (init?.method === 'POST' && /\/conversations(\/[^/]+\/(epochs|members))?$/.test(url)) {
        state.writes.push(url.replace(/^.*\/api\/v1/, ''));
      }
      if (state.armed && state.fake && url.endsWith(`/users/${state.victimId}/keys`)) {
        return Response.json({ userId: state.victimId, ...state.fake });
      }
      return fetch(input, init);
    }) as typeof fetch,
  };
  return state;
}

describe('identity changes against the real server', () => {
  it('raises identity-changed and seals nothing to the new key until it is accepted', async () => {
    const provider = await getCryptoProvider();
    const evil = attacker();
    const alice: TestUser = await registerUser(server, 'alice', { fetch: evil.fetch });
    const bob = await registerUser(server, 'bob');
    const carol = await registerUser(server, 'carol');
    clients.push(alice.client, bob.client, carol.client);
    const changes: IdentityChange[] = [];
    alice.client.on('identity-changed', (change) => changes.push(change));

    const dm = await alice.client.conversations.openDirect(bob.username);
    await dm.send('while the key is genuine');
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 1);
    const genuineNumber = await bob.client.safetyNumber(alice.id);
    expect(await alice.client.safetyNumber(bob.id)).toBe(genuineNumber);

    // The server starts presenting a key the attacker controls.
    const seed = provider.randomBytes(32);
    const ka = await createKaKey(provider, seed, bob.id, Date.now());
    evil.victimId = bob.id;
    evil.fake = {
      identityKey: toB64u(await provider.ed25519PublicKey(seed)),
      keyAgreementKeys: [toSignedKaKey(ka)],
    };
    evil.armed = true;
    const keys = await alice.client.users.keys(bob.id);
    expect(keys.trust).toBe('changed');
    expect(changes).toEqual([
      {
        userId: bob.id,
        username: bob.username,
        previousKey: expect.any(String),
        newKey: evil.fake.identityKey,
        previouslyVerified: false,
        source: 'directory',
      },
    ]);
    expect(changes[0]!.previousKey).not.toBe(evil.fake.identityKey);

    // Nothing is sealed or added while the change is pending: no write leaves the client.
    evil.writes.length = 0;
    expect(await caught(dm.rotateKey())).toMatchObject({ code: 'identity_changed' });
    expect(
      await caught(alice.client.conversations.create({ title: 'No', members: [bob.id, carol.id] })),
    ).toMatchObject({ code: 'identity_changed' });
    expect(evil.writes).toEqual([]);
    const epochs = await clientInternals(alice.client).rest.request(
      'GET',
      `/conversations/${dm.id}/epochs`,
      { schema: epochList },
    );
    expect(epochs.epochs).toHaveLength(1);
    const fakeKaId = toB64u(ka.kaId);
    expect(epochs.epochs.flatMap((e) => e.record.recipients.map((r) => r.kaId))).not.toContain(
      fakeKaId,
    );
    // Messages in the existing epoch still flow: they are not sealed to anyone new.
    await dm.send('still readable by the real bob');
    await waitForMessages(bobView, 2);

    // Accepting makes the new key the pin: the safety number now differs from Bob's real one,
    // which is exactly what comparing numbers would reveal.
    await alice.client.acceptIdentity(bob.id);
    expect((await alice.client.users.keys(bob.id)).trust).toBe('trusted');
    expect(await alice.client.safetyNumber(bob.id)).not.toBe(genuineNumber);
    expect(await caught(alice.client.acceptIdentity(bob.id))).toMatchObject({ code: 'not_found' });
  });

  it('marks a message failed while a rotation would seal to a changed key, and retry sends it', async () => {
    const provider = await getCryptoProvider();
    const evil = attacker();
    const alice = await registerUser(server, 'alice', { fetch: evil.fetch });
    const bob = await registerUser(server, 'bob');
    clients.push(alice.client, bob.client);
    const dm = await alice.client.conversations.openDirect(bob.id, { rotateAfterMsgs: 1 });
    await dm.send('one');

    const seed = provider.randomBytes(32);
    evil.victimId = bob.id;
    evil.fake = {
      identityKey: toB64u(await provider.ed25519PublicKey(seed)),
      keyAgreementKeys: [toSignedKaKey(await createKaKey(provider, seed, bob.id, Date.now()))],
    };
    evil.armed = true;
    await alice.client.users.keys(bob.id);
    // The count policy wants a new epoch, which would be sealed to the changed key: refused.
    const refused = await caught(dm.send('two'));
    expect(refused.code).toBe('identity_changed');
    const failed = dm.messages.at(-1)!;
    expect(failed).toMatchObject({
      text: 'two',
      status: 'failed',
      error: 'identity_changed',
      seq: null,
    });

    // The directory serves the genuine key again (it was a glitch, or an attack that stopped).
    evil.armed = false;
    expect((await alice.client.users.keys(bob.id)).trust).toBe('trusted');
    const retried = await dm.retry(failed.clientMsgId!);
    expect(retried).toMatchObject({ text: 'two', status: 'sent', clientMsgId: failed.clientMsgId });
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 2);
    expect(dm.messages.map((m) => m.status)).toEqual(['sent', 'sent']);
  });

  it('keeps pins in the encrypted key bundle, so another browser sees the same trust', async () => {
    const alice = await registerUser(server, 'alice');
    const bob = await registerUser(server, 'bob');
    clients.push(alice.client, bob.client);
    await alice.client.conversations.openDirect(bob.id);
    await alice.client.verifyIdentity(bob.id);
    await eventually(
      () =>
        clientInternals(alice.client).account()?.bundle.trust.entries[bob.id]?.verified === true,
      'the verified pin',
    );
    const other = newClient(server);
    clients.push(other);
    await other.login({ username: alice.username, password: alice.password });
    const entry = clientInternals(other).account()?.bundle.trust.entries[bob.id];
    expect(entry).toMatchObject({ verified: true });
  });

  // Last in the file: it moves the server's clock forward by a month.
  it('rotates an expired own key-agreement key at sign-in so others can still seal to it', async () => {
    const alice = await registerUser(server, 'alice');
    const bob = await registerUser(server, 'bob');
    clients.push(alice.client, bob.client);
    const month = 31 * 24 * 60 * 60 * 1000;
    server.advanceClock(month);
    const later = () => Date.now() + month;
    const [alice2, bob2] = [newClient(server, { now: later }), newClient(server, { now: later })];
    clients.push(alice2, bob2);
    await alice2.login({ username: alice.username, password: alice.password });
    await bob2.login({ username: bob.username, password: bob.password });
    await eventually(
      () => (clientInternals(bob2).account()?.keyAgreementKeys.length ?? 0) === 2,
      'bob publishes a fresh key',
    );
    await eventually(
      () => (clientInternals(alice2).account()?.keyAgreementKeys.length ?? 0) === 2,
      'alice publishes a fresh key',
    );
    const dm = await alice2.conversations.openDirect(bob.id);
    const sent = await dm.send('a month later');
    expect(sent.status).toBe('sent');
    const bobView = await bob2.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 1);
  });
});
