import { useEffect, useState } from 'react';
import type { ChatClient, CurrentUser } from '@parley/sdk';

/** The signed-in user, or `null`; follows the client's `session` event. */
export function useSession(client: ChatClient): CurrentUser | null {
  const [me, setMe] = useState(client.me);
  useEffect(() => client.on('session', () => setMe(client.me)), [client]);
  return me;
}
