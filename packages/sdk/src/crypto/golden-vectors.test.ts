/**
 * Frozen cs1 vectors (crypto.md §6 "Protocol-level vectors"): fixed seeds → membership entries,
 * an epoch with its envelope, a message and an attachment, generated once and committed, so a
 * refactor or a client in another language that changes a single byte of the formats fails here.
 * Randomness comes from a fixed counter sequence; the HPKE ephemeral key is native-random, so the
 * envelope is checked in the opening direction only.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { decryptAttachment, encryptAttachment } from './attachments.js';
import { fromB64u, toB64u } from './encoding.js';
import { openEpoch } from './epochs.js';
import type { OpenedEpoch } from './epochs.js';
import { kaSignaturePayload, toSignedKaKey } from './ka-keys.js';
import type { KaPrivateKey } from './ka-keys.js';
import { buildMembershipEntry, replayMembershipLog } from './membership-log.js';
import { decryptMessage, encryptMessage } from './messages.js';
import type { CryptoProvider } from './provider.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';

const GOLDEN = {
  entries: [
    {
      entry: {
        v: 1,
        suite: 'cs1',
        conv: 'conv-golden',
        seq: 0,
        prev: null,
        op: 'create',
        target: 'alice',
        targetIk: 'iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w',
        actor: 'alice',
        ts: 1735689600000,
        settings: {
          shareHistory: false,
          rotateAfterMsgs: 1000,
          rotateAfterMs: 604800000,
        },
      },
      sig: 'vbU6RGlPyL2dljKK3-qH_XRpEmKKQftUM3dGFtGBmJ-Dx-gak1S3e4eLiMYtOMddx4VetTIpbMUDxI5wMBIQBQ',
    },
    {
      entry: {
        v: 1,
        suite: 'cs1',
        conv: 'conv-golden',
        seq: 1,
        prev: 'tGYPwxt7oUySYI-6wHMlAnx8296wxTMaenyXJLDeDOg',
        op: 'add',
        target: 'bob',
        targetIk: 'gTl3Dqh9F19Wo1Rmw0x-zMuNipG07jeiXfYPW4_Js5Q',
        actor: 'alice',
        ts: 1735689600001,
      },
      sig: '8ZP9Cfln4_FWt3DihDpnN1FU1rcMQ1kTeqMQ_1SsRFyeAemwxfeCsomkmTCFp298j5b-jcV2EiDaPdyMf_V2DQ',
    },
  ],
  memberSetHash: 'COGrblWKHFdbK2-iuF9dVv6gg75gGhF0U0R96uvIr4A',
  epoch: {
    record: {
      v: 1,
      suite: 'cs1',
      conv: 'conv-golden',
      epochId: 'CzBVep_E6Q4zWH2ix-wRNg',
      prevEpochId: null,
      creator: 'alice',
      memberLogSeq: 1,
      memberSetHash: 'COGrblWKHFdbK2-iuF9dVv6gg75gGhF0U0R96uvIr4A',
      createdAt: 1735689600002,
      reason: 'init',
      recipients: [
        {
          user: 'alice',
          kaId: 'ISEhISEhISEhISEhISEhIQ',
          envHash: 'IQ4g4xpwctjOQJ1oqPWcCC-w5zdWDiwnWX2XqTJvzkM',
        },
        {
          user: 'bob',
          kaId: 'IiIiIiIiIiIiIiIiIiIiIg',
          envHash: 'cyrlLwOdL7g9oCz9EkmlW3tmb9X5gbqFiyoacUVYT3g',
        },
      ],
    },
    sig: 'Zk-8qu3LqEJF2AjYMCuEZcyJ4QQNFWWsIbWNkCuX7r-HK1OpsjJiJvntyWGw877dfDodINkPU3CmavjQV6jmDg',
  },
  bobEnvelope: {
    user: 'bob',
    kaId: 'IiIiIiIiIiIiIiIiIiIiIg',
    enc: 'K_MW6uhYlMyCRiNEXRYGMMVto_yJOkKtPGTPTDsJ7ik',
    ct: 'bSgVn99g6k-P9nLP3zZdTworlDjMCAT-flHtywHVFfYEWpEsPENNx5EYzswSrBjP',
  },
  cek: 'W4Clyu8UOV6DqM3yFzxhhqvQ9Ro_ZImu0_gdQmeMsdY',
  wire: {
    header: {
      v: 1,
      suite: 'cs1',
      conv: 'conv-golden',
      epochId: 'CzBVep_E6Q4zWH2ix-wRNg',
      msgId: 'CzBVep_E6Q4zWH2ix-wRNg',
      sender: 'bob',
      ts: 1735689600003,
      ctype: 'text',
    },
    box: 'W4Clyu8UOV6DqM3y13QBPobefQNzJV_db0KMAFJNn7PukOXaeRIFuNol8GN_Mg9JHFDBNfcxVl_YvXh0TfxoC5WPRETmU2XF3EQlMFATPunZWuZSpTiPokmq8mXbNsHwhzALbyQshBzndzf4yCkcSDkbOjoXlDCotBuybAbJNITdlp3XtuHdDUsLPoybcMv1YghU6Xoh68BzlmH6je-g9zqdOeZMsyJiAkIDGS9s0N6Yra6zggb2qWXOhzieCRe32FWqjHUjLP_tyKfYBlDgwtuGYPHkjg-SShnTFS8ZoQKEv4smfWXrhBj5-d8itPZKzr31OccmwYMZOOPxDhrGg3UM5qZ-4aj7XDXxS2WlgDtUE4KmVDs7-cgKUWQ',
    sig: '3Se4V6k50tU7Drx0B4Zc5XSKusLC53lc3zbHgeYaihM2sUTPtLaE5LD3esizpnhnD5pwixZ-oda6fSOdzi2tBw',
  },
  attachment: {
    descriptor: {
      v: 1,
      suite: 'cs1',
      key: 'CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY',
      noncePrefix: 'q9D1Gj9kia4',
      chunkSize: 1024,
      size: 3000,
      sha256: 'VWrILyP2TS9Bs_s7mhcXkTZAIaqVwK9t-eK14diMgDg',
      mime: 'text/plain',
    },
    ciphertextSha256: 'JKSbFgD1nM3awTBZ2fY1y9Gqp-hiOlkDz3GDBn1R4Pg',
  },
} as const;

const CONV = 'conv-golden';
const T = 1735689600000;

/** The provider with `randomBytes` replaced by the fixed sequence the vectors were made with. */
function seeded(provider: CryptoProvider): CryptoProvider {
  let n = 0;
  return {
    ...provider,
    randomBytes: (length) => Uint8Array.from({ length }, () => (n++ * 37 + 11) & 0xff),
  };
}

async function user(provider: CryptoProvider, userId: string, s: number) {
  const identitySeed = new Uint8Array(32).fill(s);
  const ik = toB64u(await provider.ed25519PublicKey(identitySeed));
  const privateKey = new Uint8Array(32).fill(s + 0x10);
  const publicKey = await provider.x25519PublicKey(privateKey);
  const kaId = new Uint8Array(16).fill(s + 0x20);
  const fields = { kaId, pub: publicKey, notBefore: T, notAfter: T + 30 * 86_400_000 };
  const sig = await provider.ed25519Sign(identitySeed, kaSignaturePayload(userId, fields));
  const ka: KaPrivateKey = {
    kaId,
    privateKey,
    publicKey,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    sig,
  };
  return { userId, identitySeed, ik, kaKeys: [ka], signedKa: [toSignedKaKey(ka)] };
}

describe.each([
  ['webcrypto', createWebCryptoProvider()],
  ['noble', createNobleProvider()],
] as const)('cs1 golden vectors (%s)', (_name, provider) => {
  it('reproduces the membership entries and member-set hash', async () => {
    const alice = await user(provider, 'alice', 1);
    const bob = await user(provider, 'bob', 2);
    const a = await buildMembershipEntry(
      provider,
      undefined,
      CONV,
      { op: 'create', target: 'alice', targetIk: alice.ik, ts: T },
      alice,
    );
    const b = await buildMembershipEntry(
      provider,
      a.state,
      CONV,
      { op: 'add', target: 'bob', targetIk: bob.ik, ts: T + 1 },
      alice,
    );
    expect([a.signed, b.signed]).toEqual(GOLDEN.entries);
    const state = await replayMembershipLog(provider, GOLDEN.entries, { conv: CONV });
    expect(state.memberSetHash).toBe(GOLDEN.memberSetHash);
  });

  it('opens the frozen epoch envelope to the frozen epoch key', async () => {
    const bob = await user(provider, 'bob', 2);
    const state = await replayMembershipLog(provider, GOLDEN.entries, { conv: CONV });
    const result = await openEpoch(provider, {
      signed: GOLDEN.epoch,
      envelope: GOLDEN.bobEnvelope,
      conv: CONV,
      membershipAt: async (seq) => (seq === state.seq ? state : undefined),
      isTrusted: () => true,
      me: bob,
    });
    expect(result.ok && toB64u(result.epoch.cek)).toBe(GOLDEN.cek);
  });

  it('reproduces and decrypts the frozen message', async () => {
    const bob = await user(provider, 'bob', 2);
    const state = await replayMembershipLog(provider, GOLDEN.entries, { conv: CONV });
    const epoch: OpenedEpoch = {
      record: GOLDEN.epoch.record,
      conv: CONV,
      epochId: GOLDEN.epoch.record.epochId,
      createdAt: GOLDEN.epoch.record.createdAt,
      memberSetHash: state.memberSetHash,
      members: state.members,
      memberIks: new Map(state.members.map((m) => [m.userId, m.ik])),
      cek: fromB64u(GOLDEN.cek),
    };
    const body = { text: 'golden 🦆' };
    const wire = await encryptMessage(seeded(provider), {
      epoch,
      sender: bob,
      ctype: 'text',
      body,
      ts: T + 3,
    });
    expect(wire).toEqual(GOLDEN.wire);
    const result = await decryptMessage(provider, {
      wire: GOLDEN.wire,
      conv: CONV,
      epoch,
      isTrusted: () => true,
    });
    expect(result).toEqual({ ok: true, header: GOLDEN.wire.header, body });
  });

  it('reproduces the attachment ciphertext and decrypts it', async () => {
    const plain = new Uint8Array(3000).fill(0x61);
    const source = (async function* () {
      yield plain;
    })();
    const encrypted = encryptAttachment(seeded(provider), {
      source,
      mime: 'text/plain',
      chunkSize: 1024,
    });
    const ct = new Uint8Array(await new Response(encrypted.stream).arrayBuffer());
    expect(await encrypted.descriptor).toEqual(GOLDEN.attachment.descriptor);
    expect(toB64u(sha256(ct))).toBe(GOLDEN.attachment.ciphertextSha256);
    const back = decryptAttachment(provider, {
      source: new Response(ct).body!,
      descriptor: GOLDEN.attachment.descriptor,
    });
    expect(new Uint8Array(await new Response(back).arrayBuffer())).toEqual(plain);
  });
});
