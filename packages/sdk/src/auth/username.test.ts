import { describe, expect, it } from 'vitest';
import { assertPassword, normalizeUsername, validDisplayName, validUsername } from './username.js';

describe('usernames', () => {
  it('are trimmed and lower-cased', () => {
    expect(normalizeUsername('  Alice.Smith ')).toBe('alice.smith');
    expect(validUsername('\tBOB_1\n')).toBe('bob_1');
  });

  it('must match the server rules for registration', () => {
    for (const bad of ['ab', 'a b', '_alice', 'x'.repeat(33), 'al!ce', '']) {
      expect(() => validUsername(bad)).toThrow(
        expect.objectContaining({ code: 'invalid_input', field: 'username' }),
      );
    }
  });
});

describe('display names and passwords', () => {
  it('trims display names and rejects empty or long ones', () => {
    expect(validDisplayName('  Alice  ')).toBe('Alice');
    expect(validDisplayName(undefined)).toBeUndefined();
    expect(() => validDisplayName('   ')).toThrow(
      expect.objectContaining({ field: 'displayName' }),
    );
    expect(() => validDisplayName('x'.repeat(65))).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('rejects an empty password', () => {
    expect(() => assertPassword('')).toThrow(expect.objectContaining({ field: 'password' }));
    expect(() => assertPassword(undefined, 'newPassword')).toThrow(
      expect.objectContaining({ field: 'newPassword' }),
    );
    expect(() => assertPassword('x')).not.toThrow();
  });
});
