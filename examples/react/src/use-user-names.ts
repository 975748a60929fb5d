import { useEffect, useState } from 'react';
import type { ChatClient } from '@parley/sdk';

/** Display names for user ids, looked up once each in the key directory. */
export function useUserNames(
  client: ChatClient,
  ids: readonly string[],
): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const missing = ids.filter((id) => !names.has(id));
  const key = [...new Set(missing)].sort().join(',');

  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    for (const id of key.split(',')) {
      client.users.get(id).then(
        (user) => {
          if (!cancelled) setNames((old) => new Map(old).set(id, user.displayName));
        },
        () => undefined, // unknown or deleted user: the id stays on screen
      );
    }
    return () => {
      cancelled = true;
    };
  }, [client, key]);

  return names;
}
