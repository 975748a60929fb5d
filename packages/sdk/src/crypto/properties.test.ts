/**
 * Property tests of the cs1 conversation layer (crypto.md §7.10, P14–P18, P21), run with
 * fast-check against both providers where it is cheap. Run counts are kept modest for 2-core CI;
 * raise them locally with FC_RUNS=500.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  change,
  directoryOf,
  makeConversation,
  makeUser,
  T0,
  trustAll,
} from '../../test/cs1-fixture.js';
import type { TestConversation, TestUser } from '../../test/cs1-fixture.js';
import { decryptAttachment, encryptAttachment } from './attachments.js';
import { equalBytes, fromB64u, toB64u } from './encoding.js';
import { CryptoError } from './errors.js';
import type { EpochEnvelope } from './epoch-record.js';
import { checkEpochEnvelopes, createEpoch, openEpoch } from './epochs.js';
import type { CreatedEpoch, OpenedEpoch } from './epochs.js';
import { hpkeOpen } from './hpke.js';
import { bindingInfo } from './binding.js';
import { envelopeAad } from './epoch-record.js';
import { LABELS } from './labels.js';
import { signMembershipEntry } from './membership-entry.js';
import type { MembershipEntry, SignedMembershipEntry } from './membership-entry.js';
import { replayMembershipLog } from './membership-log.js';
import { decryptMessage, encryptMessage } from './messages.js';
import type { WireMessage } from './messages.js';
import { pad, unpad } from './padding.js';
import type { CryptoProvider } from './provider.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';

const RUNS = Number(process.env.FC_RUNS ?? 30);
const web = createWebCryptoProvider();
const noble = createNobleProvider();
const PROVIDERS: ReadonlyArray<[string, CryptoProvider, number]> = [
  ['webcrypto', web, RUNS],
  ['noble', noble, Math.max(5, Math.floor(RUNS / 3))],
];
const CONV = 'conv-p';
let users: TestUser[];
let alice: TestUser;
let bob: TestUser;
let mallory: TestUser;
let conversation: TestConversation;
let created: CreatedEpoch;
let otherEpoch: OpenedEpoch;
let otherConvEpoch: OpenedEpoch;

function epochOptions(c: TestConversation, creator: TestUser = alice) {
  return {
    conv: c.conv,
    membership: c.state,
    creator,
    directory: directoryOf(users),
    isTrusted: trustAll,
    prevEpochId: null,
    reason: 'init' as const,
    now: T0,
  };
}

beforeAll(async () => {
  users = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'].map((id) => makeUser(web, id)),
  );
  [alice, bob] = users as [TestUser, TestUser];
  mallory = users[5]!;
  conversation = await makeConversation(web, CONV, alice, users.slice(1, 4));
  created = await createEpoch(web, epochOptions(conversation));
  otherEpoch = (await createEpoch(web, epochOptions(conversation))).epoch;
  const elsewhere = await makeConversation(web, 'conv-q', alice, [bob]);
  otherConvEpoch = (await createEpoch(web, epochOptions(elsewhere))).epoch;
});

function expectCleanFailure(result: { ok: boolean }): void {
  expect(result.ok).toBe(false);
  // A failure carries a reason and a detail, never a header or body.
  expect(Object.keys(result).sort()).toEqual(['detail', 'ok', 'reason']);
}

/** Flips one bit of a base64url field. */
function flipB64u(value: string, bit: number): string {
  const bytes = fromB64u(value);
  bytes[Math.floor(bit / 8) % bytes.length]! ^= 1 << (bit % 8);
  return toB64u(bytes);
}

/** Flips one bit of a string field's UTF-16 code unit (staying a valid string). */
function flipString(value: string, bit: number): string {
  const i = Math.floor(bit / 7) % value.length;
  return (
    value.slice(0, i) +
    String.fromCharCode(value.charCodeAt(i) ^ (1 << (bit % 7))) +
    value.slice(i + 1)
  );
}

const FIELDS = ['box', 'sig', 'conv', 'epochId', 'msgId', 'sender', 'ts', 'ctype'] as const;

function tamper(wire: WireMessage, field: (typeof FIELDS)[number], bit: number): unknown {
  const h = wire.header;
  switch (field) {
    case 'box':
      return { ...wire, box: flipB64u(wire.box, bit) };
    case 'sig':
      return { ...wire, sig: flipB64u(wire.sig, bit) };
    case 'ts':
      return { ...wire, header: { ...h, ts: Number(BigInt(h.ts) ^ (1n << BigInt(bit % 53))) } };
    case 'epochId':
    case 'msgId':
      return { ...wire, header: { ...h, [field]: flipB64u(h[field], bit) } };
    default:
      return { ...wire, header: { ...h, [field]: flipString(h[field], bit) } };
  }
}

describe.each(PROVIDERS)('message properties (%s)', (_name, provider, numRuns) => {
  const receive = (wire: unknown, epoch: OpenedEpoch = created.epoch, conv = CONV) =>
    decryptMessage(provider, { wire, conv, epoch, isTrusted: trustAll });

  it('P14: flipping any bit of the box, signature or a header field fails with a reason and no plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.constantFrom(...FIELDS),
        fc.nat(4000),
        async (text, field, bit) => {
          const wire = await encryptMessage(provider, {
            epoch: created.epoch,
            sender: bob,
            ctype: 'text',
            body: { text },
            ts: T0,
          });
          expect(await receive(wire)).toMatchObject({ ok: true, body: { text } });
          expectCleanFailure(await receive(tamper(wire, field, bit)));
        },
      ),
      { numRuns },
    );
  });

  it('P15: a member cannot send as another member', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(0, 2, 3),
        async (text, victim) => {
          const claimed = users[victim]!.userId;
          // Bob's own key under another member's name is refused before anything is produced…
          const asVictim = { userId: claimed, identitySeed: bob.identitySeed };
          const refused = encryptMessage(provider, {
            epoch: created.epoch,
            sender: asVictim,
            ctype: 'text',
            body: { text },
            ts: T0,
          });
          await expect(refused).rejects.toBeInstanceOf(CryptoError);
          // …and a hand-made one (Bob's signature, victim's name) is rejected by recipients.
          const wire = await encryptMessage(provider, {
            epoch: created.epoch,
            sender: bob,
            ctype: 'text',
            body: { text },
            ts: T0,
          });
          const header = { ...wire.header, sender: claimed };
          const result = await receive({ ...wire, header });
          expect(result).toMatchObject({ ok: false, reason: 'msg_sig_invalid' });
        },
      ),
      { numRuns },
    );
  });

  it('P16: a message replayed into another conversation or epoch fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 100 }),
        fc.boolean(),
        fc.boolean(),
        async (text, otherConv, rewrite) => {
          const wire = await encryptMessage(provider, {
            epoch: created.epoch,
            sender: bob,
            ctype: 'text',
            body: { text },
            ts: T0,
          });
          const target = otherConv ? otherConvEpoch : otherEpoch;
          const moved = rewrite
            ? { ...wire, header: { ...wire.header, conv: target.conv, epochId: target.epochId } }
            : wire;
          expectCleanFailure(await receive(moved, target, target.conv));
        },
      ),
      { numRuns },
    );
  });
});

type Op = { op: 'add' | 'remove'; who: number };

/** Applies the ops that are valid in order (adds of non-members, removes of members by alice). */
async function buildLog(provider: CryptoProvider, ops: readonly Op[]): Promise<TestConversation> {
  const c = await makeConversation(provider, CONV, alice, []);
  for (const { op, who } of ops) {
    const user = users[1 + (who % 4)]!; // bob…erin; never mallory
    const isMember = c.state.members.some((m) => m.userId === user.userId);
    if ((op === 'add') !== isMember) await change(provider, c, alice, op, user);
  }
  return c;
}

const opsArb = fc.array(
  fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), who: fc.nat(4) }),
  { maxLength: 8 },
);

describe('membership and epoch properties', () => {
  it('P17: unsigned, non-admin-signed or chain-breaking entries are rejected and their target gets no key', async () => {
    const attacks = ['unsigned', 'non-admin', 'wrong-key', 'chain', 'seq'] as const;
    await fc.assert(
      fc.asyncProperty(opsArb, fc.constantFrom(...attacks), async (ops, attack) => {
        const c = await buildLog(web, [{ op: 'add', who: 0 }, ...ops]); // bob is added first
        const head = c.state;
        const entry: MembershipEntry = {
          v: 1,
          suite: 'cs1',
          conv: CONV,
          seq: attack === 'seq' ? head.seq + 2 : head.seq + 1,
          prev: attack === 'chain' ? toB64u(new Uint8Array(32).fill(9)) : head.headHash,
          op: 'add',
          target: mallory.userId,
          targetIk: mallory.ik,
          actor: attack === 'non-admin' ? bob.userId : alice.userId,
          ts: T0,
        };
        const signer = attack === 'non-admin' ? bob : attack === 'wrong-key' ? mallory : alice;
        let injected: SignedMembershipEntry = await signMembershipEntry(
          web,
          entry,
          signer.identitySeed,
        );
        if (attack === 'unsigned') injected = { entry, sig: '' };
        // bob may have been removed by the random ops; then he is "not a member", also rejected.
        const replay = replayMembershipLog(web, [...c.entries, injected], { conv: CONV });
        await expect(replay).rejects.toMatchObject({ code: 'membership_invalid' });
        // Without an accepted log there is no state with Mallory, so no epoch is sealed to her.
        const epoch = await createEpoch(web, epochOptions(c));
        expect(epoch.envelopes.some((e) => e.user === mallory.userId)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('a removed member is never among the next epoch’s recipients and cannot open it', async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const c = await buildLog(web, ops);
        const next = await createEpoch(web, epochOptions(c));
        const recipients = next.signed.record.recipients.map((r) => r.user);
        expect(recipients).toEqual(c.state.members.map((m) => m.userId));
        for (const user of users.filter((u) => !recipients.includes(u.userId))) {
          const result = await openEpoch(web, {
            signed: next.signed,
            envelope: next.envelopes[0],
            conv: CONV,
            membershipAt: async () => c.state,
            isTrusted: trustAll,
            me: user,
          });
          expect(result).toMatchObject({ ok: false, reason: 'no_envelope_for_user' });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.each(PROVIDERS)(
    'P18: an extra or swapped envelope is detected (%s)',
    async (_name, provider, numRuns) => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(3),
          fc.nat(3),
          fc.constantFrom('extra', 'swap', 'drop'),
          async (i, j, attack) => {
            const envelopes: EpochEnvelope[] = [...created.envelopes];
            const a = envelopes[i]!;
            const b = envelopes[j === i ? (j + 1) % 4 : j]!;
            if (attack === 'extra') envelopes.push({ ...a, user: mallory.userId });
            if (attack === 'swap') envelopes[i] = { ...b, user: a.user, kaId: a.kaId };
            if (attack === 'drop') envelopes.splice(i, 1);
            const result = await checkEpochEnvelopes(provider, created.signed.record, envelopes);
            expect(result.ok).toBe(false);
            if (attack === 'swap') {
              const user = users.find((u) => u.userId === a.user)!;
              const opened = await openEpoch(provider, {
                signed: created.signed,
                envelope: envelopes[i],
                conv: CONV,
                membershipAt: async () => conversation.state,
                isTrusted: trustAll,
                me: user,
              });
              expect(opened).toMatchObject({ ok: false, reason: 'epoch_sig_invalid' });
            }
          },
        ),
        { numRuns },
      );
    },
  );

  it('P21: the creator’s long-term keys cannot open the envelopes it sealed for others', async () => {
    const { record } = created.signed;
    const aad = envelopeAad(CONV, record.epochId, record.memberSetHash);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...created.envelopes.filter((e) => e.user !== alice.userId)),
        async (envelope) => {
          for (const key of [alice.kaKeys[0]!.privateKey, alice.identitySeed]) {
            const attempt = hpkeOpen(web, {
              recipientPrivateKey: key,
              enc: fromB64u(envelope.enc),
              ct: fromB64u(envelope.ct),
              info: bindingInfo(
                LABELS.epochKey,
                CONV,
                record.epochId,
                envelope.user,
                envelope.kaId,
              ),
              aad,
            });
            await expect(attempt).rejects.toMatchObject({ code: 'aead_fail' });
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('encoding properties', () => {
  it('padding round-trips any body and never leaks the length within a bucket', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10_000 }), (body) => {
        const padded = pad(body);
        expect(padded.length).toBeGreaterThan(body.length);
        expect(equalBytes(unpad(padded), body)).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('attachments round-trip any content split into any pieces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 }),
        async (data, sizes) => {
          async function* split(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
            for (let i = 0, k = 0; i < bytes.length; k++) {
              const n = sizes[k % sizes.length]!;
              yield bytes.slice(i, i + n);
              i += n;
            }
          }
          const { stream, descriptor } = encryptAttachment(web, {
            source: split(data),
            mime: 'x',
            chunkSize: 1024,
          });
          const ct = await new Response(stream).arrayBuffer();
          const plain = await new Response(
            decryptAttachment(web, {
              source: split(new Uint8Array(ct)),
              descriptor: await descriptor,
            }),
          ).arrayBuffer();
          expect(equalBytes(new Uint8Array(plain), data)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
