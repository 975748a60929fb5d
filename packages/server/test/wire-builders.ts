import { createHash, randomBytes } from 'node:crypto';
import type {
  CreateEpochRequest,
  MembershipOpName,
  RegisterRequest,
  SignedMembershipEntryWire,
} from '@parley/sdk/protocol';

/**
 * Well-formed wire bodies with random stand-ins for everything a client would derive or sign.
 * The server treats keys, signatures and ciphertexts as opaque (it checks shapes and plaintext
 * metadata only), so random bytes of the right sizes exercise it fully. Free of test-runner
 * imports, so benchmarks use the same builders as the tests.
 */

/** `n` random bytes as unpadded base64url. */
export const b64u = (n: number): string => randomBytes(n).toString('base64url');

/**
 * A registration body with random stand-ins for everything the client would derive. The
 * server treats these blobs as opaque (it only checks formats), so random bytes exercise it
 * fully; the authKey is a random 32-byte value because deriving it is the SDK's job.
 */
export interface TestAccount {
  request: RegisterRequest;
  /** The authKey as sent (base64url). */
  authKey: string;
}

/** A random account; `username` defaults to a fresh unique one. */
export function newAccount(username = `u${randomBytes(5).toString('hex')}`): TestAccount {
  const authKey = b64u(32);
  return {
    authKey,
    request: {
      id: b64u(16),
      username,
      displayName: 'Test User',
      kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: b64u(16) },
      authKey,
      wrappedAccountKey: b64u(60),
      encBundle: b64u(2048),
      identityKey: b64u(32),
      keyAgreementKey: {
        kaId: b64u(16),
        pub: b64u(32),
        notBefore: 1_700_000_000_000,
        notAfter: 1_700_000_000_000 + 30 * 86_400_000,
        sig: b64u(64),
      },
    },
  };
}

/** A membership entry with a random signature (and a random `prev` hash unless seq 0). */
export function membershipEntry(
  conv: string,
  seq: number,
  op: MembershipOpName,
  actor: { id: string },
  target: { id: string; ik: string },
  extra: { targetIk?: string; settings?: boolean } = {},
): SignedMembershipEntryWire {
  return {
    entry: {
      v: 1,
      suite: 'cs1',
      conv,
      seq,
      prev: seq === 0 ? null : b64u(32),
      op,
      target: target.id,
      targetIk: extra.targetIk ?? target.ik,
      actor: actor.id,
      ts: Date.now(),
      ...(op === 'create' || extra.settings
        ? { settings: { shareHistory: false, rotateAfterMsgs: 1000, rotateAfterMs: 604_800_000 } }
        : {}),
    },
    sig: b64u(64),
  };
}

/** A well-formed epoch request sealed (with random envelopes) to `members`. */
export function epochRequest(
  conv: { id: string; memberSeq: number; epochId: string | null },
  creator: { id: string },
  members: readonly { id: string; kaId: string }[],
): CreateEpochRequest {
  const sorted = [...members].sort((x, y) => (x.id < y.id ? -1 : 1));
  const envelopes = sorted.map((m) => ({ user: m.id, kaId: m.kaId, enc: b64u(32), ct: b64u(48) }));
  const hash = (enc: string, ct: string) =>
    createHash('sha256')
      .update(Buffer.from(enc, 'base64url'))
      .update(Buffer.from(ct, 'base64url'))
      .digest('base64url');
  return {
    epoch: {
      record: {
        v: 1,
        suite: 'cs1',
        conv: conv.id,
        epochId: b64u(16),
        prevEpochId: conv.epochId,
        creator: creator.id,
        memberLogSeq: conv.memberSeq,
        memberSetHash: b64u(32),
        createdAt: Date.now(),
        reason: conv.epochId === null ? 'init' : 'manual',
        recipients: envelopes.map((e) => ({
          user: e.user,
          kaId: e.kaId,
          envHash: hash(e.enc, e.ct),
        })),
      },
      sig: b64u(64),
    },
    envelopes,
    expectedPrevEpochId: conv.epochId,
  };
}
