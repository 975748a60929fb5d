import { useEffect, useState } from 'react';
import type { ChatClient, Message } from '@parley/sdk';

/**
 * The `limit` newest messages over all conversations, newest last: the newest page of each
 * conversation at sign-in, then kept live from its events: `message` adds one (received, or written here and
 * queued) and `message-updated` replaces it (sent, failed, or its stored version). Both carry
 * decrypted messages.
 */
export function useRecentMessages(client: ChatClient, limit = 20): readonly Message[] {
  const [messages, setMessages] = useState<readonly Message[]>([]);

  useEffect(() => {
    const keep = (list: readonly Message[]) => [...list].sort((a, b) => a.ts - b.ts).slice(-limit);
    // An own message keeps its clientMsgId while its id changes from the outbox id to the
    // message id: match on either.
    const same = (a: Message, b: Message) =>
      a.id === b.id || (a.clientMsgId !== null && a.clientMsgId === b.clientMsgId);
    const upsert = (message: Message) =>
      setMessages((list) => keep([...list.filter((m) => !same(m, message)), message]));

    let active = true;
    // The newest page of the first conversations (`get` loads and decrypts it); new messages
    // then come as events.
    const load = async () => {
      if (!client.me) return;
      const list = await client.conversations.list();
      const loaded = await Promise.all(
        list.slice(0, 20).map((c) => client.conversations.get(c.id).catch(() => c)),
      );
      if (!active) return;
      const held = loaded.flatMap((c) => c.messages);
      setMessages((list) => keep([...held.filter((h) => !list.some((m) => same(m, h))), ...list]));
    };
    const loadQuietly = () => void load().catch(() => undefined); // offline: events fill in

    const offMessage = client.on('message', upsert);
    const offUpdated = client.on('message-updated', upsert);
    const offSession = client.on('session', (state) => {
      setMessages([]);
      if (state === 'signed-in') loadQuietly();
    });
    loadQuietly();
    return () => {
      active = false;
      offMessage();
      offUpdated();
      offSession();
    };
  }, [client, limit]);

  return messages;
}
