import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { decodeB64u, encodeB64u } from './encoding.js';

describe('base64url fields', () => {
  it('round-trips bytes', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(decodeB64u(encodeB64u(bytes), 'body.x')).toEqual(bytes);
  });

  it('rejects a non-canonical spelling of the same bytes, naming the field', () => {
    // "AA" is the canonical encoding of one zero byte; "AB" sets unused low bits.
    expect(decodeB64u('AA', 'body.x')).toEqual(new Uint8Array(1));
    const error = (() => {
      try {
        decodeB64u('AB', 'body.identityKey');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'body.identityKey' });
  });
});
