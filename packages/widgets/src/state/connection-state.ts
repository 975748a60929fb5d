import type { ConnectionState } from '@parley/sdk';

/**
 * The connection as the banner shows it: `connecting` (the first attempt), `online`,
 * `reconnecting` (was online, the link dropped, retrying) or `offline` (the browser reports
 * no network).
 */
export type ChatConnection = 'connecting' | 'online' | 'offline' | 'reconnecting';

/**
 * Maps the SDK's connection state, whether it was ever online, and the browser's
 * `navigator.onLine` to a {@link ChatConnection}.
 */
export function deriveConnection(
  raw: ConnectionState,
  wasOnline: boolean,
  networkUp: boolean,
): ChatConnection {
  if (raw === 'online') return 'online';
  if (!networkUp) return 'offline';
  return wasOnline ? 'reconnecting' : 'connecting';
}
