import { describe, expect, it } from 'vitest';
import { isActiveType, resolveType, sniffType } from './sniff-type.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
const pad = (head: Uint8Array): Uint8Array => {
  const out = new Uint8Array(64);
  out.set(head);
  return out;
};

describe('sniffType', () => {
  it('recognises common formats by their magic numbers', () => {
    expect(sniffType(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]))).toBe('image/png');
    expect(sniffType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(bytes('GIF89a'))).toBe('image/gif');
    expect(sniffType(bytes('RIFF', [0, 0, 0, 0], 'WEBP'))).toBe('image/webp');
    expect(sniffType(bytes('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffType(bytes('PK', [3, 4]))).toBe('application/zip');
    expect(sniffType(bytes([0, 0, 0, 0x20], 'ftypisom'))).toBe('video/mp4');
    expect(sniffType(bytes([0, 0, 0, 0x20], 'ftypheic'))).toBe('image/heic');
    expect(sniffType(bytes('hello'))).toBeUndefined();
  });
});

describe('resolveType', () => {
  const png = pad(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]));
  const zip = pad(bytes('PK', [3, 4]));

  it('uses the bytes, not the declared type or the name', () => {
    expect(resolveType(png, undefined)).toEqual({ ok: true, type: 'image/png' });
    expect(resolveType(png, 'application/octet-stream')).toEqual({ ok: true, type: 'image/png' });
    expect(resolveType(png, 'image/jpeg')).toEqual({ ok: false, sniffed: 'image/png' });
    expect(resolveType(png, 'text/html')).toEqual({ ok: false, sniffed: 'image/png' });
  });

  it('keeps an office type declared for a zip, and aliases of the same format', () => {
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(resolveType(zip, docx)).toEqual({ ok: true, type: docx });
    expect(resolveType(zip, 'application/x-zip-compressed')).toEqual({
      ok: true,
      type: 'application/zip',
    });
  });

  it('refuses a recognisable type whose signature is missing (a polyglot or a fake)', () => {
    expect(resolveType(bytes('<html>'), 'image/png')).toEqual({ ok: false, sniffed: 'unknown' });
    expect(resolveType(bytes('<html>'), 'image/jpg')).toEqual({ ok: false, sniffed: 'unknown' });
  });

  it('falls back to text or bytes, and never records a script-capable type', () => {
    expect(resolveType(bytes('just some notes\n'), undefined)).toEqual({
      ok: true,
      type: 'text/plain',
    });
    expect(resolveType(bytes('a,b\n1,2\n'), 'text/csv')).toEqual({ ok: true, type: 'text/csv' });
    expect(resolveType(bytes([0, 1, 2, 3, 250]), 'text/csv')).toEqual({
      ok: true,
      type: 'application/octet-stream',
    });
    expect(resolveType(bytes('<svg onload=alert(1)>'), 'image/svg+xml')).toEqual({
      ok: true,
      type: 'text/plain',
    });
    expect(resolveType(bytes('<script>x</script>'), 'text/html')).toEqual({
      ok: true,
      type: 'text/plain',
    });
    expect(resolveType(bytes([0, 1, 2]), 'application/x-custom')).toEqual({
      ok: true,
      type: 'application/x-custom',
    });
    expect(isActiveType('application/rss+xml')).toBe(true);
    expect(isActiveType('image/png')).toBe(false);
  });
});
