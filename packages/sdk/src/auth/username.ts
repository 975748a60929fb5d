import { ChatError } from '../errors.js';
import { displayName as displayNameSchema, username as usernameSchema } from '../protocol/auth.js';

/**
 * Usernames are compared trimmed and lower-cased, so `' Alice '` and `'alice'` are one
 * account however the user typed it.
 */
export function normalizeUsername(raw: string): string {
  if (typeof raw !== 'string') throw new TypeError('username must be a string');
  return raw.trim().toLowerCase();
}

/**
 * Normalizes and validates a username for registration, failing before any expensive key
 * derivation with the same error the server would give.
 *
 * @throws ChatError `invalid_input` (field `username`).
 */
export function validUsername(raw: string): string {
  const value = normalizeUsername(raw);
  const parsed = usernameSchema.safeParse(value);
  if (!parsed.success) {
    throw new ChatError(
      'invalid_input',
      `Username ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
      {
        field: 'username',
      },
    );
  }
  return value;
}

/**
 * Trims and validates an optional display name.
 *
 * @throws ChatError `invalid_input` (field `displayName`).
 */
export function validDisplayName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = displayNameSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ChatError('invalid_input', 'Display name must be 1-64 characters', {
      field: 'displayName',
    });
  }
  return parsed.data;
}

/**
 * Rejects an empty password before deriving anything from it.
 *
 * @throws ChatError `invalid_input` (field `password`).
 */
export function assertPassword(password: unknown, field = 'password'): asserts password is string {
  if (typeof password !== 'string' || password.length === 0) {
    throw new ChatError('invalid_input', 'Password must be a non-empty string', { field });
  }
}
