/**
 * noble's SHA-2, HMAC and HKDF, which the WebCrypto provider uses for small inputs (see
 * `SMALL_INPUT` in `webcrypto.ts`). A module of its own so that provider can import it on
 * first use: bundles that load the SDK on demand keep it out of the chunk needed to sign in.
 */
export { hkdf } from '@noble/hashes/hkdf.js';
export { hmac } from '@noble/hashes/hmac.js';
export { sha256, sha512 } from '@noble/hashes/sha2.js';
