import { describe, expect, it } from 'vitest';
import { parseUserRef } from './user-ref.js';

describe('parseUserRef', () => {
  it('reads a username, trimmed and lower-cased', () => {
    expect(parseUserRef(' Bob ')).toEqual({ kind: 'username', username: 'bob' });
  });

  it('reads a user id (22 base64url characters) exactly as given', () => {
    expect(parseUserRef('Qk9CYm9iQk9CYm9iQk9CYg')).toEqual({
      kind: 'id',
      id: 'Qk9CYm9iQk9CYm9iQk9CYg',
    });
  });

  it('flags a lower-case 22-character string as either', () => {
    expect(parseUserRef('abcdefghijklmnopqrstuq')).toEqual({
      kind: 'either',
      id: 'abcdefghijklmnopqrstuq',
      username: 'abcdefghijklmnopqrstuq',
    });
  });

  it('rejects what is neither', () => {
    for (const bad of ['', 'a', 'no spaces', '../etc', 'x'.repeat(40)]) {
      expect(() => parseUserRef(bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });
});
