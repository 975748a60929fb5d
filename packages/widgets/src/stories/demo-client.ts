/**
 * A stand-in for `ChatClient` with canned conversations, so the stories can show states (long
 * thread, undecryptable messages, offline) without a server. Stories only: the tests use a
 * real server.
 */
import type { ChatClient, Conversation, Message } from '@parley/sdk';
import { ChatStore } from '../state/chat-store.js';

/** What a demo chat looks like. */
export interface DemoOptions {
  /** Messages in the first conversation. Default 12. */
  messages?: number;
  /** Make every fifth message from the contact undecryptable. Default `false`. */
  undecryptable?: boolean;
  /** No conversation at all. Default `false`. */
  empty?: boolean;
  /** Drop the connection after start (shows "Reconnecting…"). Default `false`. */
  offline?: boolean;
}

const ME = { id: 'u-me', username: 'ana', displayName: 'Ana' };
const PEOPLE = [
  { id: 'u-bo', username: 'bo', displayName: 'Bo Lindqvist' },
  { id: 'u-chi', username: 'chi', displayName: 'Chidi Okafor' },
];

function message(
  conversationId: string,
  seq: number,
  sender: string,
  text: string,
  extra: Partial<Message> = {},
): Message {
  return {
    id: `${conversationId}-${seq}`,
    clientMsgId: null,
    conversationId,
    sender,
    text,
    attachments: [],
    ts: Date.now() - (200 - seq) * 7 * 60_000,
    seq,
    status: 'sent',
    ...extra,
  };
}

function conversation(
  id: string,
  peer: (typeof PEOPLE)[number],
  messages: Message[],
): Conversation {
  const listeners = new Set<() => void>();
  const demo = {
    id,
    kind: 'direct',
    title: null,
    left: false,
    hasOlder: false,
    unreadCount: id === 'c2' ? 2 : 0,
    typing: id === 'c1' ? [peer.id] : [],
    members: [
      { userId: ME.id, admin: true },
      { userId: peer.id, admin: false },
    ],
    messages,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliveryState: (m: Message) => (m.status === 'sent' ? 'read' : m.status),
    markRead: async () => {},
    loadOlder: async () => 0,
    setTyping: () => {},
    retry: async () => messages[0]!,
    async send(text: string) {
      const sent = message(id, messages.length + 1, ME.id, text, { ts: Date.now() });
      demo.messages = [...demo.messages, sent];
      for (const l of listeners) l();
      return sent;
    },
  };
  return demo as unknown as Conversation;
}

/** A `ChatStore` over a demo client, signed in as "Ana". */
export function demoStore(options: DemoOptions = {}): ChatStore {
  const count = options.messages ?? 12;
  const long = Array.from({ length: count }, (_, i) => {
    const fromPeer = i % 3 !== 2;
    const undecryptable = options.undecryptable && fromPeer && i % 5 === 0;
    return message(
      'c1',
      i + 1,
      fromPeer ? PEOPLE[0]!.id : ME.id,
      `Message ${i + 1}: see https://example.com/${i}`,
      {
        ...(undecryptable
          ? { text: '', status: 'undecryptable', reason: 'no_envelope_for_user' }
          : {}),
      },
    );
  });
  const conversations = options.empty
    ? []
    : [
        conversation('c1', PEOPLE[0]!, long),
        conversation('c2', PEOPLE[1]!, [
          message('c2', 1, PEOPLE[1]!.id, 'Are we still on for Friday?'),
        ]),
      ];
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let connection = 'online';
  const client = {
    me: ME,
    get connection() {
      return connection;
    },
    on(event: string, fn: (payload: unknown) => void) {
      const set = handlers.get(event) ?? new Set();
      set.add(fn);
      handlers.set(event, set);
      return () => set.delete(fn);
    },
    resume: async () => true,
    logout: async () => {},
    presenceOf: (userId: string) => ({
      userId,
      state: userId === 'u-bo' ? 'online' : 'away',
      lastSeenAt: null,
    }),
    conversations: {
      list: async () => conversations,
      get: async (id: string) => conversations.find((c) => c.id === id)!,
    },
    users: {
      get: async (id: string) => [ME, ...PEOPLE].find((p) => p.id === id)!,
      search: async (prefix: string) => PEOPLE.filter((p) => p.username.startsWith(prefix)),
    },
    safetyNumber: async () => '305178941206625134897701549328811403267594380015762293048176',
  };
  const store = new ChatStore(client as unknown as ChatClient);
  if (options.offline) {
    setTimeout(() => {
      connection = 'offline';
      for (const fn of handlers.get('connection') ?? []) fn('offline');
    }, 50);
  }
  return store;
}
