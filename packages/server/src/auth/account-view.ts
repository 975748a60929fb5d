import type { AccountKeys, PublicUser } from '@parley/sdk/protocol';
import type { KaKeyRecord, UserRecord } from '../store/store.js';
import { encodeB64u } from './encoding.js';

/** The public face of an account: id, username, display name. */
export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user.id, username: user.username, displayName: user.displayName };
}

/** What a client needs to unlock its keys (login response and `GET /me/keys`). */
export function toAccountKeys(user: UserRecord, kaKeys: readonly KaKeyRecord[]): AccountKeys {
  return {
    kdf: user.kdf,
    wrappedAccountKey: encodeB64u(user.wrappedAccountKey),
    encBundle: encodeB64u(user.encBundle),
    identityKey: encodeB64u(user.identityKey),
    keyAgreementKeys: kaKeys.map((k) => ({
      kaId: encodeB64u(k.kaId),
      pub: encodeB64u(k.pub),
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      sig: encodeB64u(k.sig),
    })),
  };
}
