import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';

describe('LABELS', () => {
  it('are distinct, so no value made for one purpose verifies or decrypts as another', () => {
    const values = Object.values(LABELS);
    expect(new Set(values).size).toBe(values.length);
  });

  it('all belong to the suite', () => {
    for (const v of Object.values(LABELS)) expect(v.startsWith(`${SUITE}/`)).toBe(true);
  });

  it('signature prefixes are prefix-free: no signed payload can be read under another label', () => {
    // Signatures are label ‖ canonical JSON ("{…"), so only prefixes among signing labels matter.
    const signing = [LABELS.kaSig, LABELS.msgSig, LABELS.memberSig, LABELS.epochSig];
    for (const v of signing) {
      for (const w of signing) if (v !== w) expect(w.startsWith(v)).toBe(false);
    }
  });

  it('match the cs1 specification', () => {
    expect(Object.values(LABELS).sort()).toEqual(
      [
        'cs1/ak',
        'cs1/attachment',
        'cs1/auth',
        'cs1/bundle',
        'cs1/epoch-key',
        'cs1/epoch-sig',
        'cs1/ka-sig',
        'cs1/kek',
        'cs1/member-sig',
        'cs1/msg',
        'cs1/msg-sig',
      ].sort(),
    );
    expect([SUITE, FORMAT_VERSION]).toEqual(['cs1', 1]);
  });
});
