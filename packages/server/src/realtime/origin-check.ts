/** Options of {@link createOriginCheck}. */
export interface OriginPolicy {
  /** Sites allowed to embed the chat (exact origins, e.g. `https://shop.example`). */
  allowedOrigins: readonly string[];
  /** The server's public URL; when set, its origin is the server's own origin. */
  publicUrl?: string | undefined;
}

/**
 * Decides whether a Socket.io handshake may proceed, by its `Origin` header, against
 * cross-site WebSocket hijacking (OWASP WebSocket cheat sheet; ASVS 4.4.2). Socket.io's `cors`
 * option does not do this: it only sets headers, and browsers do not apply CORS to WebSockets.
 *
 * - No `Origin`: allowed. Browsers always send one on WebSocket and cross-origin requests;
 *   its absence means a non-browser client (Node SDK, bot), which holds a bearer token anyway.
 * - The server's own origin: allowed. It is `publicUrl`'s origin when configured; otherwise an
 *   origin whose host equals the request's `Host` (a page served by this server).
 * - Otherwise only an exact member of `allowedOrigins` (no wildcards or substrings).
 */
export function createOriginCheck(
  policy: OriginPolicy,
): (origin: string | undefined, host: string | undefined) => boolean {
  const allowed = new Set(policy.allowedOrigins);
  const own = policy.publicUrl ? new URL(policy.publicUrl).origin : undefined;
  return (origin, host) => {
    if (origin === undefined) return true;
    if (allowed.has(origin) || origin === own) return true;
    if (own !== undefined || host === undefined) return false;
    try {
      const url = new URL(origin);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase()
      );
    } catch {
      return false;
    }
  };
}
