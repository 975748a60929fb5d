import { normalizeUsername } from '../auth/username.js';
import { ChatError } from '../errors.js';
import { username as usernameSchema, userId as userIdSchema } from '../protocol/auth.js';

/**
 * What a string the app passed as "a user" names: a user id, a username, or (rarely) a string
 * that is valid as both (a 22-character all-lower-case username looks like an id).
 */
export type UserRef =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'username'; readonly username: string }
  | { readonly kind: 'either'; readonly id: string; readonly username: string };

/**
 * Classifies `ref` as a user id or a username. The public API takes either (`openDirect('bob')`
 * or `openDirect(bob.id)`), so the SDK decides here, once.
 *
 * @throws ChatError `invalid_input` (field `user`) when it is neither.
 */
export function parseUserRef(ref: string): UserRef {
  if (typeof ref !== 'string') throw new TypeError('a user must be given as a username or an id');
  const trimmed = ref.trim();
  const isId = userIdSchema.safeParse(trimmed).success;
  const username = normalizeUsername(trimmed);
  // Ids are case-sensitive; only an id already in lower case can also be a username.
  const isUsername = usernameSchema.safeParse(username).success && (!isId || username === trimmed);
  if (isId && isUsername) return { kind: 'either', id: trimmed, username };
  if (isId) return { kind: 'id', id: trimmed };
  if (isUsername) return { kind: 'username', username };
  throw new ChatError('invalid_input', `"${ref}" is neither a username nor a user id`, {
    field: 'user',
  });
}
