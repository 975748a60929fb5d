import type { RegisterRequest } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { isStoreConflict } from '../store/store-errors.js';
import type { NewUser } from '../store/store.js';
import { decodeB64u } from './encoding.js';

/**
 * Decodes and checks a registration body, before any expensive work is spent on it.
 *
 * Checked: formats (canonical base64url, sizes via the schema) and that the key-agreement key
 * is valid for a non-empty period. Not checked: the key-agreement key's signature by the
 * identity key. Its signed byte layout belongs to the SDK's cs1 code, which the server must
 * not import (DESIGN §2), and every client verifies it against the pinned identity key before
 * sealing to it, so a server-side check would only be defence in depth.
 */
export function toNewUser(body: RegisterRequest, now: number): Omit<NewUser, 'authHash'> {
  const ka = body.keyAgreementKey;
  if (ka.notAfter <= ka.notBefore) {
    const field = 'body.keyAgreementKey.notAfter';
    throw new ApiError('invalid_input', `${field}: must be after notBefore`, { field });
  }
  decodeB64u(body.id, 'body.id');
  decodeB64u(body.kdf.salt, 'body.kdf.salt');
  return {
    id: body.id,
    username: body.username,
    displayName: body.displayName ?? body.username,
    kdf: body.kdf,
    wrappedAccountKey: decodeB64u(body.wrappedAccountKey, 'body.wrappedAccountKey'),
    encBundle: decodeB64u(body.encBundle, 'body.encBundle'),
    identityKey: decodeB64u(body.identityKey, 'body.identityKey'),
    createdAt: now,
    firstKaKey: {
      kaId: decodeB64u(ka.kaId, 'body.keyAgreementKey.kaId'),
      pub: decodeB64u(ka.pub, 'body.keyAgreementKey.pub'),
      notBefore: ka.notBefore,
      notAfter: ka.notAfter,
      sig: decodeB64u(ka.sig, 'body.keyAgreementKey.sig'),
    },
  };
}

/** Stores a new user, turning uniqueness conflicts into 409 answers. */
export async function createOrConflict(ctx: AppContext, user: NewUser): Promise<void> {
  try {
    await ctx.store.createUser(user);
  } catch (error) {
    if (!isStoreConflict(error)) throw error;
    if (error.constraint === 'username') {
      throw new ApiError('username_taken', 'This username is taken', { field: 'body.username' });
    }
    throw new ApiError('conflict', 'This account id is already in use', {
      field: 'body.id',
      cause: error,
    });
  }
}
