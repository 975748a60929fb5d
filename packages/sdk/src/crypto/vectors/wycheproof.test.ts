import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.js';
import { PROVIDERS } from './test-providers.js';

// Wycheproof suites (C2SP/wycheproof, Apache-2.0) are read from the shared folder beside the
// repository, never copied into it. `PARLEY_WYCHEPROOF_DIR` overrides the location.
const DIR =
  process.env.PARLEY_WYCHEPROOF_DIR ??
  join(fileURLToPath(new URL('../../../../../', import.meta.url)), '../shared/vectors/wycheproof');
const FILES = [
  'aes_gcm_test.json',
  'ed25519_test.json',
  'hkdf_sha256_test.json',
  'x25519_test.json',
];
const missing = FILES.filter((f) => !existsSync(join(DIR, f)));
if (missing.length > 0) {
  console.warn(`Skipping Wycheproof suites: ${missing.join(', ')} not found in ${DIR}`);
}

interface Suite<G> {
  testGroups: G[];
}
interface Case {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
function load<G>(file: string): Suite<G> {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Suite<G>;
}

describe.skipIf(missing.length > 0)('Wycheproof', () => {
  describe.each(PROVIDERS)('ed25519_test.json (%s)', (_name, p) => {
    type Group = { publicKey: { pk: string }; tests: Array<Case & { msg: string; sig: string }> };
    it('accepts exactly the valid signatures (strict RFC 8032)', async () => {
      const suite = load<Group>('ed25519_test.json');
      const wrong: number[] = [];
      let count = 0;
      for (const g of suite.testGroups) {
        for (const t of g.tests) {
          count++;
          const ok = await p.ed25519Verify(fromHex(t.sig), fromHex(t.msg), fromHex(g.publicKey.pk));
          if (ok !== (t.result === 'valid')) wrong.push(t.tcId);
        }
      }
      expect(count).toBe(151);
      expect(wrong).toEqual([]);
    });
  });

  describe.each(PROVIDERS)('x25519_test.json (%s)', (_name, p) => {
    type Group = { tests: Array<Case & { public: string; private: string; shared: string }> };
    it('computes every shared secret and rejects every all-zero one', async () => {
      const suite = load<Group>('x25519_test.json');
      const wrong: number[] = [];
      let zeros = 0;
      for (const g of suite.testGroups) {
        for (const t of g.tests) {
          let got: string;
          try {
            got = toHex(await p.x25519SharedSecret(fromHex(t.private), fromHex(t.public)));
          } catch (e) {
            got = `error:${(e as { code?: string }).code ?? 'unknown'}`;
          }
          // Low-order inputs give an all-zero secret; RFC 7748 §6.1 lets us refuse them.
          const zero = /^0+$/.test(t.shared);
          if (zero) zeros++;
          if (got !== (zero ? 'error:invalid_key' : t.shared)) wrong.push(t.tcId);
        }
      }
      expect(zeros).toBe(31);
      expect(wrong).toEqual([]);
    });
  });

  describe.each(PROVIDERS)('hkdf_sha256_test.json (%s)', (_name, p) => {
    type Group = {
      tests: Array<Case & { ikm: string; salt: string; info: string; size: number; okm: string }>;
    };
    it('derives every valid output and refuses oversized ones', async () => {
      const suite = load<Group>('hkdf_sha256_test.json');
      const wrong: number[] = [];
      for (const g of suite.testGroups) {
        for (const t of g.tests) {
          let got: string;
          try {
            got = toHex(await p.hkdf(fromHex(t.ikm), fromHex(t.salt), fromHex(t.info), t.size));
          } catch (e) {
            got = e instanceof RangeError ? 'range-error' : 'other-error';
          }
          if (got !== (t.result === 'valid' ? t.okm : 'range-error')) wrong.push(t.tcId);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  describe.each(PROVIDERS)('aes_gcm_test.json, 96-bit IVs (%s)', (_name, p) => {
    type Group = {
      ivSize: number;
      keySize: number;
      tagSize: number;
      tests: Array<
        Case & { key: string; iv: string; aad: string; msg: string; ct: string; tag: string }
      >;
    };
    it('encrypts every valid case exactly and refuses to open every invalid one', async () => {
      const suite = load<Group>('aes_gcm_test.json');
      const wrong: number[] = [];
      let count = 0;
      for (const g of suite.testGroups) {
        // cs1 only ever uses 12-byte nonces, 16-byte tags and 128/256-bit keys.
        if (g.ivSize !== 96 || g.tagSize !== 128 || (g.keySize !== 128 && g.keySize !== 256))
          continue;
        for (const t of g.tests) {
          count++;
          const [key, iv, aad] = [fromHex(t.key), fromHex(t.iv), fromHex(t.aad)];
          const sealed = fromHex(t.ct + t.tag);
          if (t.result === 'valid') {
            const enc = toHex(await p.aesGcmEncrypt(key, iv, fromHex(t.msg), aad));
            const dec = toHex(await p.aesGcmDecrypt(key, iv, sealed, aad));
            if (enc !== t.ct + t.tag || dec !== t.msg) wrong.push(t.tcId);
          } else {
            const refused = await p.aesGcmDecrypt(key, iv, sealed, aad).then(
              () => false,
              (e: { code?: string }) => e.code === 'aead_fail',
            );
            if (!refused) wrong.push(t.tcId);
          }
        }
      }
      expect(count).toBeGreaterThan(100);
      expect(wrong).toEqual([]);
    });
  });
});
