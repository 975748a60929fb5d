/**
 * File type from the bytes, not the name: a small table of magic numbers for the formats chat
 * users send most (images, PDF, archives, audio, video). A name or a declared type is easy to
 * fake; the first bytes are what a viewer will actually parse.
 */

/** Bytes of the head {@link sniffType} needs. */
export const SNIFF_BYTES = 64;

interface Signature {
  readonly type: string;
  /** Byte at each offset; `undefined` matches anything. */
  readonly bytes: ReadonlyArray<number | undefined>;
  readonly offset?: number;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const _ = undefined;

// Order matters where signatures overlap (RIFF containers, ftyp brands).
const SIGNATURES: readonly Signature[] = [
  { type: 'image/png', bytes: [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: ascii('GIF87a') },
  { type: 'image/gif', bytes: ascii('GIF89a') },
  { type: 'image/webp', bytes: [...ascii('RIFF'), _, _, _, _, ...ascii('WEBP')] },
  { type: 'audio/wav', bytes: [...ascii('RIFF'), _, _, _, _, ...ascii('WAVE')] },
  { type: 'video/x-msvideo', bytes: [...ascii('RIFF'), _, _, _, _, ...ascii('AVI ')] },
  { type: 'image/bmp', bytes: ascii('BM') },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'image/x-icon', bytes: [0x00, 0x00, 0x01, 0x00] },
  { type: 'image/avif', bytes: ascii('ftypavif'), offset: 4 },
  { type: 'image/heic', bytes: ascii('ftypheic'), offset: 4 },
  { type: 'image/heic', bytes: ascii('ftypheix'), offset: 4 },
  { type: 'image/heif', bytes: ascii('ftypmif1'), offset: 4 },
  { type: 'video/quicktime', bytes: ascii('ftypqt  '), offset: 4 },
  { type: 'audio/mp4', bytes: ascii('ftypM4A '), offset: 4 },
  { type: 'video/mp4', bytes: ascii('ftyp'), offset: 4 },
  { type: 'video/webm', bytes: [0x1a, 0x45, 0xdf, 0xa3] },
  { type: 'audio/mpeg', bytes: ascii('ID3') },
  { type: 'audio/mpeg', bytes: [0xff, 0xfb] },
  { type: 'audio/ogg', bytes: ascii('OggS') },
  { type: 'audio/flac', bytes: ascii('fLaC') },
  { type: 'application/pdf', bytes: ascii('%PDF-') },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
  { type: 'application/x-7z-compressed', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { type: 'application/x-rar-compressed', bytes: ascii('Rar!\x1a\x07') },
];

/**
 * Types a zip container may legitimately be declared as (office documents, e-books): the
 * sender's declared type is kept for these when the bytes are a zip.
 */
const ZIP_BASED =
  /^application\/(vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.|epub\+zip$|java-archive$)/;

function matches(head: Uint8Array, sig: Signature): boolean {
  const offset = sig.offset ?? 0;
  if (head.length < offset + sig.bytes.length) return false;
  return sig.bytes.every((b, i) => b === undefined || head[offset + i] === b);
}

/** True if `head` looks like text: valid UTF-8 without control characters other than whitespace. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  const control = head.some(
    (b) => (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 0x7f,
  );
  if (control) return false;
  try {
    // `stream: true`: a multi-byte character cut at the end of the head is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The type the bytes say, or `undefined` when no signature matches. */
export function sniffType(head: Uint8Array): string | undefined {
  return SIGNATURES.find((sig) => matches(head, sig))?.type;
}

/** Outcome of {@link resolveType}. */
export type ResolvedType = { ok: true; type: string } | { ok: false; sniffed: string };

/**
 * The type to record for a file: what the bytes say when they match a signature (a declared
 * type that disagrees is refused, except a zip declared as an office document), else the
 * declared type if it does not claim a format we would have recognised, else `text/plain` for
 * text and `application/octet-stream` for anything else.
 */
export function resolveType(head: Uint8Array, declared: string | undefined): ResolvedType {
  const sniffed = sniffType(head);
  const claim = declared?.split(';')[0]?.trim().toLowerCase() || undefined;
  if (sniffed !== undefined) {
    if (claim === undefined || claim === sniffed || claim === 'application/octet-stream') {
      return { ok: true, type: sniffed };
    }
    if (sniffed === 'application/zip' && ZIP_BASED.test(claim)) return { ok: true, type: claim };
    // Aliases browsers use for the same formats.
    if (ALIASES[claim] === sniffed) return { ok: true, type: sniffed };
    return { ok: false, sniffed };
  }
  const recognisable = new Set(SIGNATURES.map((s) => s.type));
  if (claim !== undefined && recognisable.has(ALIASES[claim] ?? claim)) {
    return { ok: false, sniffed: 'unknown' };
  }
  const text = looksLikeText(head);
  const fallback = text ? 'text/plain' : 'application/octet-stream';
  if (claim === undefined || claim === 'application/octet-stream' || isActiveType(claim)) {
    return { ok: true, type: fallback };
  }
  if (claim.startsWith('text/')) return { ok: true, type: text ? claim : fallback };
  return { ok: true, type: claim };
}

/**
 * Types a browser would run script in if the file were opened directly (HTML, SVG, XML): never
 * recorded, so no receiver treats a file as one. They travel as text or bytes.
 */
export function isActiveType(type: string): boolean {
  return /^(text\/html|image\/svg\+xml|application\/xhtml\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/xsl)$|\+xml$/.test(
    type,
  );
}

const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/x-wav': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'application/x-zip-compressed': 'application/zip',
  'application/x-gzip': 'application/gzip',
  'audio/x-flac': 'audio/flac',
  'video/avi': 'video/x-msvideo',
};
