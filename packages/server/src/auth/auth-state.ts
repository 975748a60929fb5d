import type { AppContext } from '../app-context.js';
import { createAccessTokens } from './access-token.js';
import type { AccessTokens } from './access-token.js';
import { createAuthKeyHasher } from './auth-key-hasher.js';
import type { AuthKeyHasher } from './auth-key-hasher.js';

/** Names of the server secrets the auth module keeps in the store. */
export const SECRET_NAMES = {
  /** Ed25519 seed that signs access tokens. */
  jwtSigningSeed: 'jwt-ed25519-seed',
  /** HMAC key for the fake prelogin salts of unknown usernames. */
  preloginSaltKey: 'prelogin-salt-key',
} as const;

/** Receives the ids of revoked sessions, or `'all'` when every session of the user ended. */
export type SessionsRevokedListener = (
  userId: string,
  sessionIds: readonly string[] | 'all',
) => void;

/** Per-server auth state, shared by the authenticator, the routes and the realtime hub. */
export interface AuthState {
  hasher: AuthKeyHasher;
  /** Access-token signer/verifier, built on first use from the stored signing seed. */
  tokens(): Promise<AccessTokens>;
  /** The fake-salt HMAC key, loaded on first use. */
  preloginSaltKey(): Promise<Uint8Array>;
  readonly revocationListeners: Set<SessionsRevokedListener>;
}

// Keyed by context, not module-global: several servers can share one process (tests, hosts
// embedding two instances) and must not share keys or listeners.
const states = new WeakMap<AppContext, AuthState>();

/** The auth state of a server, created on first call. */
export function authState(ctx: AppContext): AuthState {
  let state = states.get(ctx);
  if (!state) {
    state = createAuthState(ctx);
    states.set(ctx, state);
  }
  return state;
}

function createAuthState(ctx: AppContext): AuthState {
  let tokens: Promise<AccessTokens> | undefined;
  let saltKey: Promise<Uint8Array> | undefined;
  return {
    hasher: createAuthKeyHasher(ctx.config.authHash),
    tokens() {
      tokens ??= ctx.store.getOrCreateSecret(SECRET_NAMES.jwtSigningSeed, 32).then((seed) =>
        createAccessTokens(seed, {
          issuer: ctx.config.jwtIssuer,
          audience: ctx.config.jwtAudience,
          ttlSec: ctx.config.accessTokenTtlSec,
        }),
      );
      // A failed load (database busy) must not be cached forever.
      tokens.catch(() => (tokens = undefined));
      return tokens;
    },
    preloginSaltKey() {
      saltKey ??= ctx.store.getOrCreateSecret(SECRET_NAMES.preloginSaltKey, 32);
      saltKey.catch(() => (saltKey = undefined));
      return saltKey;
    },
    revocationListeners: new Set(),
  };
}
