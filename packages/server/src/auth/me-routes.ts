import {
  accountKeys,
  deleteAccountRequest,
  publicUser,
  updateBundleRequest,
} from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { Api } from '../http/api.js';
import { toAccountKeys, toPublicUser } from './account-view.js';
import type { AuthLimiter } from './auth-limiter.js';
import { loadCaller, requireCaller, sessionEnded } from './caller.js';
import { checkCurrentKey } from './credentials.js';
import { decodeB64u } from './encoding.js';
import { emitSessionsRevoked } from './session-events.js';

/**
 * Registers the signed-in user's routes: `GET /me`, `GET /me/keys`, `PUT /me/keys/bundle` and
 * `DELETE /account`.
 */
export function registerMeRoutes(api: Api, ctx: AppContext, limiter: AuthLimiter): void {
  api.route(
    {
      method: 'delete',
      path: '/account',
      summary: 'Delete the account, its keys and every session',
      tags: ['account'],
      auth: true,
      body: deleteAccountRequest,
      response: { status: 204, description: 'Deleted' },
      errors: ['rate_limited'],
    },
    async ({ body, auth, ip }) => {
      const user = await loadCaller(ctx, auth);
      await checkCurrentKey(ctx, user, {
        limiter,
        ip,
        authKey: body.authKey,
        field: 'body.authKey',
        failureEvent: 'account_delete.failure',
      });
      await ctx.store.deleteUser(user.id);
      ctx.audit.write({ event: 'account.deleted', userId: user.id, ip });
      emitSessionsRevoked(ctx, user.id, 'all');
    },
  );

  api.route(
    {
      method: 'get',
      path: '/me',
      summary: 'The signed-in user',
      tags: ['account'],
      auth: true,
      response: { status: 200, schema: publicUser },
    },
    async ({ auth }) => toPublicUser(await loadCaller(ctx, auth)),
  );

  api.route(
    {
      method: 'get',
      path: '/me/keys',
      summary:
        "The signed-in user's KDF parameters, wrapped account key, encrypted bundle and public keys",
      tags: ['account'],
      auth: true,
      response: { status: 200, schema: accountKeys },
    },
    async ({ auth }) => {
      const user = await loadCaller(ctx, auth);
      return toAccountKeys(user, await ctx.store.listKaKeys(user.id));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/me/keys/bundle',
      summary: 'Replace the encrypted private-key bundle',
      tags: ['account'],
      auth: true,
      body: updateBundleRequest,
      response: { status: 204, description: 'Replaced' },
    },
    async ({ body, auth }) => {
      const { userId } = requireCaller(auth);
      const bundle = decodeB64u(body.encBundle, 'body.encBundle');
      if (!(await ctx.store.updateBundle(userId, bundle, ctx.now()))) throw sessionEnded();
    },
  );
}
