import { createNobleProvider } from '../providers/noble.js';
import { createWebCryptoProvider } from '../providers/webcrypto.js';
import type { CryptoProvider } from '../provider.js';

/**
 * Both backends, for `describe.each`: every vector and behaviour test runs against each, which
 * is how "byte-identical on every vector" is proven. Test-only module.
 */
export const PROVIDERS: ReadonlyArray<[string, CryptoProvider]> = [
  ['noble', createNobleProvider()],
  ['webcrypto', createWebCryptoProvider()],
];

/** Every (sealer, opener) pair, for interoperability tests. */
export const PROVIDER_PAIRS: ReadonlyArray<[string, CryptoProvider, CryptoProvider]> =
  PROVIDERS.flatMap(([a, pa]) =>
    PROVIDERS.map(([b, pb]): [string, CryptoProvider, CryptoProvider] => [`${a} → ${b}`, pa, pb]),
  );
