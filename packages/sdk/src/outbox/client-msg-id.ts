/**
 * A new client id for an outgoing event: a UUIDv7 (RFC 9562 §5.7), i.e. 48 bits of Unix time
 * in milliseconds, then 74 random bits. Time-ordered ids keep the outbox naturally sorted and
 * make the server's idempotency index (keyed client id first) append-mostly; the random part
 * makes a collision between two of one user's devices practically impossible.
 *
 * @param now - Clock in epoch ms. Default `Date.now()`.
 * @param random - Fills a byte array with random bytes. Default WebCrypto's `getRandomValues`.
 * @returns A lower-case UUID string such as `01890a5d-ac96-774b-bcce-b302099a8057`.
 */
export function newClientMsgId(
  now: number = Date.now(),
  random: (bytes: Uint8Array) => void = (bytes) => globalThis.crypto.getRandomValues(bytes),
): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) {
    throw new RangeError('now must be epoch milliseconds');
  }
  const bytes = new Uint8Array(16);
  random(bytes);
  // 48-bit big-endian timestamp; split in two because bit operators work on 32 bits.
  const high = Math.floor(now / 2 ** 16);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (now >>> 8) & 0xff;
  bytes[5] = now & 0xff;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond timestamp inside a UUIDv7 made by {@link newClientMsgId}. */
export function clientMsgIdTime(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
