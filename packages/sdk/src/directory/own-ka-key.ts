import type { UnlockedAccount } from '../auth/account-keys.js';
import { rotateKaKeyIfDue } from '../crypto/account.js';
import type { KeyBundle } from '../crypto/account.js';
import { toB64u } from '../crypto/encoding.js';
import { toSignedKaKey } from '../crypto/ka-keys.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { userKeys } from '../protocol/conversations.js';
import type { RestClient } from '../rest/rest-client.js';

/** What {@link ensureOwnKaKey} needs. */
export interface OwnKaKeyContext {
  readonly provider: CryptoProvider;
  readonly rest: RestClient;
  readonly account: UnlockedAccount;
  readonly updateBundle: (bundle: KeyBundle) => Promise<void>;
  readonly now: number;
}

/**
 * Keeps the user's own key-agreement key current (crypto.md §7.3: a new one every 30 days, old
 * ones kept). Others can only seal epoch keys to a key that is valid now, so an expired key
 * would stop every rotation in the user's conversations.
 *
 * Order matters for not losing keys: the new private key is saved in the encrypted bundle
 * first, then the public half is published; a key saved but not yet published (a failure in
 * between) is published on the next start.
 *
 * @returns How many keys were published.
 */
export async function ensureOwnKaKey(ctx: OwnKaKeyContext): Promise<number> {
  const { account } = ctx;
  const rotated = await rotateKaKeyIfDue(ctx.provider, account.bundle, account.userId, ctx.now);
  if (rotated.added) await ctx.updateBundle(rotated.bundle);
  const published = new Set(account.keyAgreementKeys.map((k) => k.kaId));
  let count = 0;
  for (const key of account.bundle.kaKeys) {
    if (published.has(toB64u(key.kaId))) continue;
    const listed = await ctx.rest.request('POST', '/me/keys/ka', {
      body: toSignedKaKey(key),
      schema: userKeys,
    });
    account.keyAgreementKeys = listed.keyAgreementKeys;
    count++;
  }
  return count;
}
