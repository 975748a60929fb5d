import { beforeAll, describe, expect, it } from 'vitest';
import { directoryOf, makeConversation, makeUsers, T0, trustAll } from '../../test/cs1-fixture.js';
import type { TestUser } from '../../test/cs1-fixture.js';
import { canonicalBytes } from './canonical-json.js';
import { concatBytes, fromB64u, fromUtf8, toB64u, utf8 } from './encoding.js';
import { createEpoch } from './epochs.js';
import type { OpenedEpoch } from './epochs.js';
import { decryptMessage, encryptMessage } from './messages.js';
import type { MessageHeader, WireMessage } from './messages.js';
import { pad, unpad } from './padding.js';
import type { CryptoProvider } from './provider.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';

const web = createWebCryptoProvider();
const noble = createNobleProvider();
const CONV = 'conv-m';
const TARGET = toB64u(new Uint8Array(16).fill(7));
let alice: TestUser;
let bob: TestUser;
let mallory: TestUser;
let epoch: OpenedEpoch;
let otherEpoch: OpenedEpoch;

beforeAll(async () => {
  [alice, bob, mallory] = await makeUsers(web, ['alice', 'bob', 'mallory'] as const);
  const c = await makeConversation(web, CONV, alice, [bob]);
  const options = {
    conv: CONV,
    membership: c.state,
    creator: alice,
    directory: directoryOf([alice, bob]),
    isTrusted: trustAll,
    prevEpochId: null,
    reason: 'init' as const,
    now: T0,
  };
  epoch = (await createEpoch(web, options)).epoch;
  otherEpoch = (await createEpoch(web, options)).epoch;
});

function send(
  sender: TestUser,
  text = 'hello',
  provider: CryptoProvider = web,
): Promise<WireMessage> {
  return encryptMessage(provider, { epoch, sender, ctype: 'text', body: { text }, ts: T0 });
}

function receive(
  wire: unknown,
  provider: CryptoProvider = web,
  e: OpenedEpoch = epoch,
  conv = CONV,
) {
  return decryptMessage(provider, { wire, conv, epoch: e, isTrusted: trustAll });
}

/** Signs `box` for `header` as `signer`, the way a (malicious) member's client could. */
async function signAs(
  signer: TestUser,
  header: MessageHeader,
  box: Uint8Array,
): Promise<WireMessage> {
  const digest = await web.sha256(canonicalBytes(header));
  const sig = await web.ed25519Sign(
    signer.identitySeed,
    concatBytes(utf8('cs1/msg-sig'), digest, box),
  );
  return { header, box: toB64u(box), sig: toB64u(sig) };
}

/** The message key exactly as crypto.md §7.8 defines it. */
function specMessageKey(header: MessageHeader): Promise<Uint8Array> {
  const info = utf8(`cs1/msg|${header.conv}|${header.epochId}`);
  return web.hkdf(epoch.cek, fromB64u(header.msgId), info, 32);
}

describe('messages', () => {
  it('round-trips every content type', async () => {
    const attachment = {
      v: 1 as const,
      suite: 'cs1' as const,
      key: toB64u(new Uint8Array(32)),
      noncePrefix: toB64u(new Uint8Array(8)),
      chunkSize: 65536,
      size: 3,
      sha256: toB64u(new Uint8Array(32)),
      mime: 'text/plain',
    };
    const sent = [
      { ctype: 'text', body: { text: 'hi 👋' } },
      { ctype: 'edit', body: { target: TARGET, text: 'fixed' } },
      { ctype: 'reaction', body: { target: TARGET, emoji: '👍' } },
      { ctype: 'delete', body: { target: TARGET } },
      { ctype: 'attachment', body: { attachment, text: 'a file' } },
    ] as const;
    for (const { ctype, body } of sent) {
      const wire = await encryptMessage(web, {
        epoch,
        sender: bob,
        ctype,
        body,
        ts: T0 + 5,
      } as never);
      const result = await receive(wire);
      expect(result).toEqual({ ok: true, header: wire.header, body });
      expect(result.ok && result.header.ctype).toBe(ctype);
    }
  });

  it('interoperates between the WebCrypto and noble providers', async () => {
    expect(await receive(await send(alice, 'from web'), noble)).toMatchObject({
      ok: true,
      body: { text: 'from web' },
    });
    expect(await receive(await send(alice, 'from noble', noble), web)).toMatchObject({
      ok: true,
      body: { text: 'from noble' },
    });
  });

  it('follows the wire format of the spec byte for byte', async () => {
    const wire = await send(bob, 'spec');
    expect(Object.keys(wire.header).sort()).toEqual([
      'conv',
      'ctype',
      'epochId',
      'msgId',
      'sender',
      'suite',
      'ts',
      'v',
    ]);
    const box = fromB64u(wire.box);
    const aad = canonicalBytes(wire.header);
    const mk = await specMessageKey(wire.header);
    const padded = await web.aesGcmDecrypt(mk, box.subarray(0, 12), box.subarray(12), aad);
    expect(JSON.parse(fromUtf8(unpad(padded)))).toEqual({ text: 'spec' });
    const signed = concatBytes(utf8('cs1/msg-sig'), await web.sha256(aad), box);
    expect(await web.ed25519Verify(fromB64u(wire.sig), signed, fromB64u(bob.ik))).toBe(true);
  });

  it('hides the exact length of short messages', async () => {
    const a = await send(bob, 'x');
    const b = await send(bob, 'y'.repeat(200));
    expect(fromB64u(a.box).length).toBe(fromB64u(b.box).length);
  });

  it('rejects a message signed by another member (forged sender)', async () => {
    const wire = await send(bob, 'I am alice');
    const forged = await signAs(bob, { ...wire.header, sender: 'alice' }, fromB64u(wire.box));
    expect(await receive(forged)).toMatchObject({ ok: false, reason: 'msg_sig_invalid' });
  });

  it('rejects a sender who is not a member of the epoch', async () => {
    const wire = await send(bob);
    const fromMallory = await signAs(
      mallory,
      { ...wire.header, sender: 'mallory' },
      fromB64u(wire.box),
    );
    expect(await receive(fromMallory)).toMatchObject({ ok: false, reason: 'sender_not_member' });
    await expect(send(mallory)).rejects.toMatchObject({ code: 'sender_not_member' });
  });

  it('reports an untrusted sender identity', async () => {
    const result = await decryptMessage(web, {
      wire: await send(bob),
      conv: CONV,
      epoch,
      isTrusted: (m) => m.userId !== 'bob',
    });
    expect(result).toMatchObject({ ok: false, reason: 'identity_untrusted' });
  });

  it('rejects a message replayed into another conversation or epoch', async () => {
    const wire = await send(bob);
    expect(await receive(wire, web, epoch, 'conv-other')).toMatchObject({
      ok: false,
      reason: 'msg_sig_invalid',
    });
    expect(await receive(wire, web, otherEpoch)).toMatchObject({
      ok: false,
      reason: 'msg_sig_invalid',
    });
    const moved = { ...wire, header: { ...wire.header, epochId: otherEpoch.epochId } };
    expect(await receive(moved, web, otherEpoch)).toMatchObject({
      ok: false,
      reason: 'msg_sig_invalid',
    });
  });

  it('returns aead_fail when a member signs a box that does not decrypt', async () => {
    const wire = await send(bob);
    const box = fromB64u(wire.box);
    box[20]! ^= 1;
    expect(await receive(await signAs(bob, wire.header, box))).toMatchObject({
      ok: false,
      reason: 'aead_fail',
    });
  });

  it('returns invalid_input for a signed, decryptable but malformed body', async () => {
    const wire = await send(bob);
    const mk = await specMessageKey(wire.header);
    const aad = canonicalBytes(wire.header);
    for (const body of ['{"text":1}', 'not json', '{"text":"x","extra":true}']) {
      const nonce = new Uint8Array(12);
      const ct = await web.aesGcmEncrypt(mk, nonce, pad(utf8(body)), aad);
      const result = await receive(await signAs(bob, wire.header, concatBytes(nonce, ct)));
      expect(result).toMatchObject({ ok: false, reason: 'invalid_input' });
    }
  });

  it('returns invalid_input or unsupported_suite for malformed wire messages', async () => {
    const wire = await send(bob);
    const cases: Array<[unknown, string]> = [
      [null, 'invalid_input'],
      [{ ...wire, box: 'not base64!' }, 'invalid_input'],
      [{ ...wire, box: toB64u(new Uint8Array(10)) }, 'invalid_input'],
      [{ ...wire, sig: 'AAAA' }, 'invalid_input'],
      [{ ...wire, header: { ...wire.header, extra: 1 } }, 'invalid_input'],
      [{ ...wire, header: { ...wire.header, ctype: 'poll' } }, 'invalid_input'],
      [{ ...wire, header: { ...wire.header, ts: 1.5 } }, 'invalid_input'],
      [{ ...wire, header: { ...wire.header, v: 2 } }, 'unsupported_suite'],
      [{ ...wire, header: { ...wire.header, suite: 'cs2' } }, 'unsupported_suite'],
    ];
    for (const [bad, reason] of cases) {
      const result = await receive(bad);
      expect(result).toEqual({ ok: false, reason, detail: expect.any(String) });
    }
  });

  it('refuses to encrypt with a seed that is not the sender’s pinned key, or an invalid body', async () => {
    const impostor = { userId: 'bob', identitySeed: mallory.identitySeed };
    await expect(send(impostor as TestUser)).rejects.toMatchObject({ code: 'invalid_key' });
    const bad = encryptMessage(web, {
      epoch,
      sender: bob,
      ctype: 'edit',
      body: { target: 'x', text: '' },
      ts: T0,
    });
    await expect(bad).rejects.toBeInstanceOf(TypeError);
  });
});
