import { describe, expect, it } from 'vitest';
import { CryptoError, isCryptoError } from './errors.js';

describe('CryptoError', () => {
  it('carries a stable code, a name and the cause', () => {
    const cause = new Error('inner');
    const e = new CryptoError('aead_fail', 'tag mismatch', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      name: 'CryptoError',
      code: 'aead_fail',
      message: 'tag mismatch',
      cause,
    });
  });

  it('defaults the message to the code', () => {
    expect(new CryptoError('invalid_key').message).toBe('invalid_key');
  });

  it('isCryptoError narrows by class and optionally by code', () => {
    const e = new CryptoError('msg_sig_invalid');
    expect(isCryptoError(e)).toBe(true);
    expect(isCryptoError(e, 'msg_sig_invalid')).toBe(true);
    expect(isCryptoError(e, 'aead_fail')).toBe(false);
    expect(isCryptoError(new Error('x'))).toBe(false);
    expect(isCryptoError({ code: 'aead_fail' })).toBe(false);
  });
});
