import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import type { AttachmentDescriptor } from './attachment-descriptor.js';
import {
  CHUNKS_IN_FLIGHT,
  decryptAttachment,
  encryptAttachment,
  encryptedAttachmentSize,
} from './attachments.js';
import { concatBytes, equalBytes, fromB64u, toB64u } from './encoding.js';
import { CryptoError } from './errors.js';
import { nobleSha256 } from './incremental-hash.js';
import type { CryptoProvider } from './provider.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';

const web = createWebCryptoProvider();
const noble = createNobleProvider();
const CHUNK = 1024;

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
}

/** Splits `data` into pieces of varying sizes, like a network stream would. */
async function* pieces(data: Uint8Array, size = 700): AsyncGenerator<Uint8Array> {
  for (let i = 0, k = 0; i < data.length; i += size + (k++ % 3) * 300)
    yield data.slice(i, i + size + (k % 3) * 300);
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(...parts);
    parts.push(value);
  }
}

async function encrypt(
  data: Uint8Array,
  provider: CryptoProvider = web,
): Promise<{ ct: Uint8Array; descriptor: AttachmentDescriptor }> {
  const { stream, descriptor } = encryptAttachment(provider, {
    source: pieces(data),
    mime: 'application/pdf',
    name: 'a.pdf',
    chunkSize: CHUNK,
  });
  const ct = await collect(stream);
  return { ct, descriptor: await descriptor };
}

async function decryptError(
  ct: Uint8Array,
  descriptor: AttachmentDescriptor,
  split = 1100,
): Promise<unknown> {
  return collect(decryptAttachment(web, { source: pieces(ct, split), descriptor })).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The ciphertext chunks (each `CHUNK + 16` bytes but the last). */
function chunksOf(ct: Uint8Array): Uint8Array[] {
  const out = [];
  for (let i = 0; i < ct.length; i += CHUNK + 16) out.push(ct.subarray(i, i + CHUNK + 16));
  return out;
}

describe('attachments', () => {
  it('round-trips files of sizes around chunk boundaries, with the plaintext hash and size', async () => {
    for (const n of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 17]) {
      const data = bytes(n);
      const { ct, descriptor } = await encrypt(data);
      expect(ct.length).toBe(encryptedAttachmentSize(n, CHUNK));
      expect(descriptor).toMatchObject({
        v: 1,
        suite: 'cs1',
        size: n,
        chunkSize: CHUNK,
        mime: 'application/pdf',
        name: 'a.pdf',
      });
      expect(descriptor.sha256).toBe(toB64u(sha256(data)));
      const plain = await collect(decryptAttachment(web, { source: pieces(ct, 333), descriptor }));
      expect(equalBytes(plain, data)).toBe(true);
    }
  });

  it('interoperates between providers and hash implementations', async () => {
    const data = bytes(4 * CHUNK + 5);
    const { ct, descriptor } = await encrypt(data, noble);
    const plain = await collect(
      decryptAttachment(web, { source: pieces(ct), descriptor, createHash: nobleSha256 }),
    );
    expect(equalBytes(plain, data)).toBe(true);
  });

  it('uses a fresh key and nonce prefix per file', async () => {
    const a = await encrypt(bytes(10));
    const b = await encrypt(bytes(10));
    expect(a.descriptor.key).not.toBe(b.descriptor.key);
    expect(a.descriptor.noncePrefix).not.toBe(b.descriptor.noncePrefix);
    expect(equalBytes(a.ct, b.ct)).toBe(false);
  });

  it('fails on any flipped ciphertext bit', async () => {
    const { ct, descriptor } = await encrypt(bytes(2 * CHUNK + 9));
    for (const at of [0, CHUNK + 3, ct.length - 1]) {
      const bad = ct.slice();
      bad[at]! ^= 0x10;
      expect(await decryptError(bad, descriptor)).toMatchObject({ code: 'aead_fail' });
    }
  });

  it('fails on truncation at a chunk boundary, dropped or reordered chunks, and appended data', async () => {
    const { ct, descriptor } = await encrypt(bytes(3 * CHUNK + 9));
    const [c0, c1, c2, c3] = chunksOf(ct);
    const variants = [
      concatBytes(c0!, c1!, c2!), // truncated: the last full chunk was not sealed as last
      concatBytes(c0!, c2!, c3!), // a chunk dropped
      concatBytes(c1!, c0!, c2!, c3!), // reordered
      concatBytes(c0!, c0!, c1!, c2!, c3!), // duplicated
      concatBytes(ct, new Uint8Array(20)), // appended
      ct.subarray(0, ct.length - 5), // cut inside the last chunk
      new Uint8Array(0),
    ];
    for (const bad of variants)
      expect(await decryptError(bad, descriptor)).toBeInstanceOf(CryptoError);
  });

  it('fails when the descriptor’s key, hash or size is wrong, without delivering the last chunk', async () => {
    const data = bytes(2 * CHUNK);
    const { ct, descriptor } = await encrypt(data);
    const otherKey = { ...descriptor, key: toB64u(new Uint8Array(32)) };
    expect(await decryptError(ct, otherKey)).toMatchObject({ code: 'aead_fail' });
    expect(
      await decryptError(ct, { ...descriptor, sha256: toB64u(new Uint8Array(32)) }),
    ).toMatchObject({ code: 'invalid_input' });
    expect(await decryptError(ct, { ...descriptor, size: data.length + 1 })).toMatchObject({
      code: 'invalid_input',
    });
    expect(await decryptError(ct, { ...descriptor, size: CHUNK })).toMatchObject({
      code: 'invalid_input',
    });

    const delivered: Uint8Array[] = [];
    const reader = decryptAttachment(web, {
      source: pieces(ct),
      descriptor: { ...descriptor, sha256: descriptor.key },
    }).getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          delivered.push(value);
        }
      })(),
    ).rejects.toBeInstanceOf(CryptoError);
    expect(delivered.length).toBe(1); // the first chunk only; the last was withheld
  });

  it('rejects a malformed descriptor and a bad chunk size up front', () => {
    expect(() =>
      decryptAttachment(web, {
        source: pieces(new Uint8Array(0)),
        descriptor: {} as AttachmentDescriptor,
      }),
    ).toThrow(TypeError);
    expect(() =>
      encryptAttachment(web, { source: pieces(new Uint8Array(0)), mime: 'x', chunkSize: 10 }),
    ).toThrow(RangeError);
    const source = pieces(new Uint8Array(0));
    expect(() => encryptAttachment(web, { source, mime: 'x'.repeat(256) })).toThrow(TypeError);
  });

  it('reads the source only as fast as the ciphertext is consumed (bounded memory)', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(CHUNK);
      }
    }
    const { stream } = encryptAttachment(web, { source: endless(), mime: 'x', chunkSize: CHUNK });
    const reader = stream.getReader();
    for (let i = 0; i < 10; i++) await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    // Read so far: what was delivered, what is in flight, one queued chunk and one look-ahead.
    expect(pulled).toBeLessThanOrEqual(10 + CHUNKS_IN_FLIGHT + 3);
    await reader.cancel();
  });

  it('rejects the descriptor promise when the source fails', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(CHUNK * 2);
      throw new Error('disk gone');
    }
    const { stream, descriptor } = encryptAttachment(web, {
      source: failing(),
      mime: 'x',
      chunkSize: CHUNK,
    });
    await expect(collect(stream)).rejects.toThrow('disk gone');
    await expect(descriptor).rejects.toThrow('disk gone');
  });

  it('binds the nonce prefix: a file’s chunks do not open under another prefix', async () => {
    const { ct, descriptor } = await encrypt(bytes(10));
    const prefix = fromB64u(descriptor.noncePrefix);
    prefix[0]! ^= 1;
    expect(await decryptError(ct, { ...descriptor, noncePrefix: toB64u(prefix) })).toMatchObject({
      code: 'aead_fail',
    });
  });
});
