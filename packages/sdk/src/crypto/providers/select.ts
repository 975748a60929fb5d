import { equalBytes, fromHex } from '../encoding.js';
import type { CryptoProvider } from '../provider.js';
import { createWebCryptoProvider } from './webcrypto.js';

// Known answers (RFC 8032 §7.1 TEST 1, RFC 7748 §6.1): a runtime counts as capable only if its
// native primitives reproduce them, not merely if the algorithm names are recognised.
const ED_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const ED_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const ED_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const X_PRIV = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const X_PEER = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
const X_SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

let cached: Promise<CryptoProvider> | undefined;

/**
 * The provider for this runtime, chosen once and cached: WebCrypto where its Ed25519 and X25519
 * pass a known-answer self-test (Node 20+, current browsers), otherwise the pure-JS noble one.
 *
 * @example
 * ```ts
 * const provider = await getCryptoProvider();
 * console.log(provider.name); // 'webcrypto' on Node 20
 * ```
 */
export function getCryptoProvider(): Promise<CryptoProvider> {
  cached ??= selectCryptoProvider();
  return cached;
}

/**
 * Runs the feature detection against `subtle` without caching (for tests and hosts that bring
 * their own `SubtleCrypto`).
 *
 * @param subtle - The `SubtleCrypto` to probe; `null` means none. Default:
 *   `globalThis.crypto.subtle`.
 * @returns The WebCrypto provider if the self-test passes, else the noble provider. The noble
 *   provider (with @noble/curves and @noble/ciphers) is imported only then, so bundles for
 *   current browsers never download it.
 */
export async function selectCryptoProvider(
  subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null,
): Promise<CryptoProvider> {
  if (subtle !== null && (await webCryptoWorks(subtle))) return createWebCryptoProvider(subtle);
  const { createNobleProvider } = await import('./noble.js');
  return createNobleProvider();
}

async function webCryptoWorks(subtle: SubtleCrypto): Promise<boolean> {
  try {
    const p = createWebCryptoProvider(subtle);
    const message = new Uint8Array(0);
    const [sig, pub, shared] = await Promise.all([
      p.ed25519Sign(fromHex(ED_SEED), message),
      p.ed25519PublicKey(fromHex(ED_SEED)),
      p.x25519SharedSecret(fromHex(X_PRIV), fromHex(X_PEER)),
    ]);
    return (
      equalBytes(sig, fromHex(ED_SIG)) &&
      equalBytes(pub, fromHex(ED_PUB)) &&
      equalBytes(shared, fromHex(X_SHARED)) &&
      (await p.ed25519Verify(sig, message, pub))
    );
  } catch {
    return false;
  }
}
