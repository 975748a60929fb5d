/** `@parley/sdk/crypto` — the cs1 building blocks. */
export type { CryptoProvider } from './provider.js';
