import { describe, expect, it } from 'vitest';
import { assertId, bindingInfo, isValidId, MAX_ID_LENGTH } from './binding.js';
import { fromUtf8 } from './encoding.js';

describe('binding info', () => {
  it('joins label and parts with |', () => {
    expect(fromUtf8(bindingInfo('cs1/msg', 'conv', 'epoch'))).toBe('cs1/msg|conv|epoch');
  });

  it('refuses parts that could make two contexts encode alike', () => {
    // ('a|b', 'c') and ('a', 'b|c') would otherwise both encode as "label|a|b|c".
    expect(() => bindingInfo('cs1/msg', 'a|b', 'c')).toThrow(TypeError);
    expect(() => bindingInfo('cs1/msg', '', 'c')).toThrow(TypeError);
  });

  it('accepts ordinary ids and rejects empty, long, control-character and non-string ids', () => {
    expect(isValidId('user-1@example.org')).toBe(true);
    expect(isValidId('x'.repeat(MAX_ID_LENGTH))).toBe(true);
    for (const bad of ['', 'x'.repeat(MAX_ID_LENGTH + 1), 'a\nb', 'a\u0000', 1, null]) {
      expect(isValidId(bad)).toBe(false);
    }
    expect(() => assertId('conv', 'a|b')).toThrow(/conv/);
  });
});
