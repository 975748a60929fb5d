import {
  KDF_DEFAULTS,
  authResponse,
  changePasswordRequest,
  loginRequest,
  preloginRequest,
  preloginResponse,
  registerRequest,
} from '@parley/sdk/protocol';
import type { AuthResponse, KdfParams } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import type { NewUser, UserRecord } from '../store/store.js';
import { toAccountKeys, toPublicUser } from './account-view.js';
import type { AuthLimiter } from './auth-limiter.js';
import { authState } from './auth-state.js';
import { loadCaller, requireCaller } from './caller.js';
import { checkCurrentKey, checkLogin, hashAuthKey, normalizeUsername } from './credentials.js';
import { decodeB64u } from './encoding.js';
import { fakeSalt } from './fake-salt.js';
import { createOrConflict, toNewUser } from './registration.js';
import { emitSessionsRevoked } from './session-events.js';
import { startSession } from './session-issuer.js';

/** Registers the account routes: prelogin, register, login and password change. */
export function registerAccountRoutes(api: Api, ctx: AppContext, limiter: AuthLimiter): void {
  api.route(
    {
      method: 'post',
      path: '/auth/prelogin',
      summary: "Get an account's KDF parameters (a stable fake answer for unknown usernames)",
      tags: ['auth'],
      auth: false,
      body: preloginRequest,
      response: { status: 200, schema: preloginResponse },
      errors: ['rate_limited'],
    },
    async ({ body, ip }) => {
      const name = normalizeUsername(body.username);
      await limiter.prelogin(name, ip);
      const user = await ctx.store.findUserByUsername(name);
      if (user) return { kdf: user.kdf };
      const key = await authState(ctx).preloginSaltKey();
      return { kdf: { ...KDF_DEFAULTS, salt: fakeSalt(key, name) } satisfies KdfParams };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/register',
      summary: 'Create an account and sign in',
      tags: ['auth'],
      auth: false,
      body: registerRequest,
      response: { status: 201, schema: authResponse },
      errors: ['username_taken', 'conflict', 'rate_limited'],
    },
    async ({ body, ip, userAgent }): Promise<AuthResponse> => {
      await limiter.register(body.username, ip);
      const draft = toNewUser(body, ctx.now());
      const user: NewUser = {
        ...draft,
        authHash: await hashAuthKey(ctx, body.authKey, 'body.authKey'),
      };
      await createOrConflict(ctx, user);
      ctx.audit.write({ event: 'register', userId: user.id, ip });
      const tokens = await startSession(ctx, user.id, userAgent);
      const record: UserRecord = { ...user, updatedAt: user.createdAt };
      return {
        ...tokens,
        user: toPublicUser(record),
        keys: toAccountKeys(record, [user.firstKaKey]),
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with a username and authKey',
      tags: ['auth'],
      auth: false,
      body: loginRequest,
      response: { status: 200, schema: authResponse },
      errors: ['unauthorized', 'rate_limited'],
    },
    async ({ body, ip, userAgent }): Promise<AuthResponse> => {
      const user = await checkLogin(ctx, body.username, {
        limiter,
        ip,
        authKey: body.authKey,
        field: 'body.authKey',
        failureEvent: 'login.failure',
      });
      const tokens = await startSession(ctx, user.id, userAgent);
      ctx.audit.write({ event: 'login.success', userId: user.id, ip, sessionId: tokens.sessionId });
      return {
        ...tokens,
        user: toPublicUser(user),
        keys: toAccountKeys(user, await ctx.store.listKaKeys(user.id)),
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/password',
      summary:
        'Change the password: new KDF parameters, authKey and wrapped account key; ends every other session',
      tags: ['auth'],
      auth: true,
      body: changePasswordRequest,
      response: { status: 204, description: 'Changed' },
      errors: ['conflict', 'rate_limited'],
    },
    async ({ body, auth, ip }) => {
      const caller = requireCaller(auth);
      // Decode everything first: a malformed body must not cost a credential check.
      decodeB64u(body.newKdf.salt, 'body.newKdf.salt');
      const wrappedAccountKey = decodeB64u(body.newWrappedAccountKey, 'body.newWrappedAccountKey');
      const user = await checkCurrentKey(ctx, await loadCaller(ctx, auth), {
        limiter,
        ip,
        authKey: body.currentAuthKey,
        field: 'body.currentAuthKey',
        failureEvent: 'password.failure',
      });
      const revoked = await ctx.store.replacePasswordMaterial(user.id, {
        expectedAuthHash: user.authHash,
        kdf: body.newKdf,
        authHash: await hashAuthKey(ctx, body.newAuthKey, 'body.newAuthKey'),
        wrappedAccountKey,
        keepSessionId: caller.sessionId,
        now: ctx.now(),
      });
      if (!revoked)
        throw new ApiError('conflict', 'The password was changed concurrently; sign in again');
      ctx.audit.write({
        event: 'password.changed',
        userId: user.id,
        ip,
        revokedSessions: revoked.length,
      });
      emitSessionsRevoked(ctx, user.id, revoked);
    },
  );
}
