/**
 * Test and benchmark fixtures for the cs1 conversation layer: users with real keys, a verified
 * membership log and a directory. Everything is made with the real code under test; nothing is
 * mocked.
 */
import type { SignedKaKey } from '../src/protocol/auth.js';
import { toB64u } from '../src/crypto/encoding.js';
import type { TrustCheck } from '../src/crypto/epochs.js';
import { createKaKey, toSignedKaKey } from '../src/crypto/ka-keys.js';
import type { KaPrivateKey } from '../src/crypto/ka-keys.js';
import type {
  ConversationSettings,
  SignedMembershipEntry,
} from '../src/crypto/membership-entry.js';
import { buildMembershipEntry } from '../src/crypto/membership-log.js';
import type { MembershipState } from '../src/crypto/membership-log.js';
import type { CryptoProvider } from '../src/crypto/provider.js';

/** Fixed clock for fixtures: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);

/** A user with an identity key and one key-agreement key. */
export interface TestUser {
  readonly userId: string;
  readonly identitySeed: Uint8Array;
  /** base64url identity public key. */
  readonly ik: string;
  readonly kaKeys: KaPrivateKey[];
  readonly signedKa: SignedKaKey[];
}

/** Makes a user with fresh keys. */
export async function makeUser(
  provider: CryptoProvider,
  userId: string,
  now = T0,
): Promise<TestUser> {
  const identitySeed = provider.randomBytes(32);
  const ik = toB64u(await provider.ed25519PublicKey(identitySeed));
  const ka = await createKaKey(provider, identitySeed, userId, now);
  return { userId, identitySeed, ik, kaKeys: [ka], signedKa: [toSignedKaKey(ka)] };
}

/** Makes one user per id, in order. */
export async function makeUsers<const T extends readonly string[]>(
  provider: CryptoProvider,
  ids: T,
): Promise<{ -readonly [K in keyof T]: TestUser }> {
  return (await Promise.all(ids.map((id) => makeUser(provider, id)))) as {
    -readonly [K in keyof T]: TestUser;
  };
}

/** Adds a newer key-agreement key to `user` (old ones kept, as in the bundle). */
export async function rotateKa(
  provider: CryptoProvider,
  user: TestUser,
  now: number,
): Promise<void> {
  const ka = await createKaKey(provider, user.identitySeed, user.userId, now);
  user.kaKeys.push(ka);
  user.signedKa.push(toSignedKaKey(ka));
}

/** A directory serving every listed user's signed key-agreement keys. */
export function directoryOf(
  users: readonly TestUser[],
): (userId: string) => readonly SignedKaKey[] | undefined {
  const byId = new Map(users.map((u) => [u.userId, u]));
  return (userId) => byId.get(userId)?.signedKa;
}

/** Trusts every identity (tests that are not about trust). */
export const trustAll: TrustCheck = () => true;

/** A conversation's log as built so far. */
export interface TestConversation {
  readonly conv: string;
  readonly entries: SignedMembershipEntry[];
  state: MembershipState;
}

/**
 * Creates a conversation by `admin` and adds `others`, each entry signed for real.
 */
export async function makeConversation(
  provider: CryptoProvider,
  conv: string,
  admin: TestUser,
  others: readonly TestUser[],
  settings: Partial<ConversationSettings> = {},
): Promise<TestConversation> {
  const created = await buildMembershipEntry(
    provider,
    undefined,
    conv,
    { op: 'create', target: admin.userId, targetIk: admin.ik, ts: T0, settings },
    admin,
  );
  const c: TestConversation = { conv, entries: [created.signed], state: created.state };
  for (const user of others) await change(provider, c, admin, 'add', user);
  return c;
}

/** Appends a signed entry by `actor` about `target`. */
export async function change(
  provider: CryptoProvider,
  c: TestConversation,
  actor: TestUser,
  op: 'add' | 'remove' | 'leave' | 'promote' | 'demote',
  target: TestUser,
): Promise<void> {
  const next = await buildMembershipEntry(
    provider,
    c.state,
    c.conv,
    { op, target: target.userId, targetIk: target.ik, ts: T0 + c.entries.length },
    actor,
  );
  c.entries.push(next.signed);
  c.state = next.state;
}
