import {
  publicUser,
  publishKaKeyRequest,
  userIdParam,
  userKeys,
  userList,
  userSearchQuery,
  usernameParam,
} from '@parley/sdk/protocol';
import type { UserKeys } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { toAccountKeys, toPublicUser } from '../auth/account-view.js';
import { requireCaller, sessionEnded } from '../auth/caller.js';
import { decodeB64u } from '../auth/encoding.js';
import { apiLimiter } from '../conversations/user-limiter.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import { isStoreConflict } from '../store/store-errors.js';
import type { KaKeyRecord, UserRecord } from '../store/store.js';

function toUserKeys(user: UserRecord, kaKeys: readonly KaKeyRecord[]): UserKeys {
  const { identityKey, keyAgreementKeys } = toAccountKeys(user, kaKeys);
  return { userId: user.id, identityKey, keyAgreementKeys };
}

const noSuchUser = () => new ApiError('not_found', 'No such user');

/**
 * Registers the key directory (crypto.md §7.5): `GET /users?prefix=&limit=`,
 * `GET /users/by-username/:username`, `GET /users/:id`, `GET /users/:id/keys` and `POST /me/keys/ka`.
 *
 * Lookups need a signed-in caller and are rate limited per user: the directory is for finding
 * people to talk to, not for harvesting the user list. Only public fields leave the server.
 */
export function registerDirectoryRoutes(api: Api, ctx: AppContext): void {
  const limiter = apiLimiter(ctx);

  api.route(
    {
      method: 'get',
      path: '/users',
      summary: 'Find users whose username starts with a prefix (case-insensitive)',
      tags: ['directory'],
      auth: true,
      query: userSearchQuery,
      response: { status: 200, schema: userList },
      errors: ['rate_limited'],
    },
    async ({ query, auth }) => {
      await limiter.consume(requireCaller(auth).userId);
      const users = await ctx.store.searchUsers(query.prefix.toLowerCase(), query.limit);
      return { users: users.map(toPublicUser) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/users/by-username/:username',
      summary: 'Look a user up by exact username (case-insensitive)',
      tags: ['directory'],
      auth: true,
      params: usernameParam,
      response: { status: 200, schema: publicUser },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      await limiter.consume(requireCaller(auth).userId);
      const user = await ctx.store.findUserByUsername(params.username.toLowerCase());
      if (!user) throw noSuchUser();
      return toPublicUser(user);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/users/:id',
      summary: 'Look a user up by id (public fields only)',
      tags: ['directory'],
      auth: true,
      params: userIdParam,
      response: { status: 200, schema: publicUser },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      await limiter.consume(requireCaller(auth).userId);
      const user = await ctx.store.findUserById(params.id);
      if (!user) throw noSuchUser();
      return toPublicUser(user);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/users/:id/keys',
      summary: "A user's identity key and signed key-agreement keys",
      tags: ['directory'],
      auth: true,
      params: userIdParam,
      response: { status: 200, schema: userKeys },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      await limiter.consume(requireCaller(auth).userId);
      const user = await ctx.store.findUserById(params.id);
      if (!user) throw noSuchUser();
      return toUserKeys(user, await ctx.store.listKaKeys(user.id));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/me/keys/ka',
      summary: 'Publish a new key-agreement key signed by the identity key (rotation)',
      tags: ['directory'],
      auth: true,
      body: publishKaKeyRequest,
      response: { status: 201, schema: userKeys },
      errors: ['conflict', 'forbidden', 'rate_limited'],
    },
    async ({ body, auth, ip }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const user = await ctx.store.findUserById(userId);
      if (!user) throw sessionEnded();
      const existing = await ctx.store.listKaKeys(userId);
      if (existing.length >= ctx.config.conversations.maxKaKeysPerUser) {
        throw new ApiError('forbidden', 'Too many key-agreement keys');
      }
      const key: KaKeyRecord = {
        kaId: decodeB64u(body.kaId, 'body.kaId'),
        pub: decodeB64u(body.pub, 'body.pub'),
        notBefore: body.notBefore,
        notAfter: body.notAfter,
        sig: decodeB64u(body.sig, 'body.sig'),
      };
      try {
        await ctx.store.addKaKey(userId, key);
      } catch (error) {
        if (isStoreConflict(error)) throw new ApiError('conflict', 'A key with this kaId exists');
        throw error;
      }
      ctx.audit.write({ event: 'keys.ka_published', userId, kaId: body.kaId, ip });
      return toUserKeys(user, await ctx.store.listKaKeys(userId));
    },
  );
}
