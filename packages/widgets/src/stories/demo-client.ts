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
  /** Add a group ("Weekend trip", Ana is its admin) and list it first. Default `false`. */
  group?: boolean;
  /** Report that Bo's identity key changed, after start. Default `false`. */
  identityChange?: boolean;
  /** No stored session: the sign-in form. Default `false`. */
  signedOut?: boolean;
  /** The stored session never finishes resuming (the loading state). Default `false`. */
  starting?: boolean;
  /** Sending, signing in and searching fail with this error code. Default: they succeed. */
  failWith?: string;
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

/** A rejected promise carrying an SDK-like error code. */
const failure = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));

function conversation(
  id: string,
  peers: readonly (typeof PEOPLE)[number][],
  messages: Message[],
  options: DemoOptions,
  title: string | null = null,
): Conversation {
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  const demo = {
    id,
    kind: title ? 'group' : 'direct',
    title,
    left: false,
    hasOlder: false,
    unreadCount: id === 'c2' ? 2 : 0,
    typing: id === 'c1' ? [peers[0]!.id] : [],
    members: [
      { userId: ME.id, admin: true },
      ...peers.map((p) => ({ userId: p.id, admin: false })),
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
      if (options.failWith) return failure(options.failWith);
      const sent = message(id, demo.messages.length + 1, ME.id, text, { ts: Date.now() });
      demo.messages = [...demo.messages, sent];
      changed();
      return sent;
    },
    async addMember(userId: string) {
      if (options.failWith) return failure(options.failWith);
      demo.members = [...demo.members, { userId, admin: false }];
      changed();
    },
    async removeMember(userId: string) {
      if (options.failWith) return failure(options.failWith);
      demo.members = demo.members.filter((m) => m.userId !== userId);
      changed();
    },
  };
  return demo as unknown as Conversation;
}

/** A stand-in `ChatClient` with canned data, signed in as "Ana" (see {@link DemoOptions}). */
export function demoClient(options: DemoOptions = {}): ChatClient {
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
        conversation('c1', [PEOPLE[0]!], long, options),
        conversation(
          'c2',
          [PEOPLE[1]!],
          [message('c2', 1, PEOPLE[1]!.id, 'Are we still on for Friday?')],
          options,
        ),
      ];
  if (options.group) {
    const trip = [
      message('g1', 1, PEOPLE[0]!.id, 'Train or car?'),
      message('g1', 2, PEOPLE[1]!.id, 'Train, we can play cards.'),
      message('g1', 3, ME.id, 'Train it is. I will book the seats.'),
    ];
    conversations.unshift(conversation('g1', PEOPLE, trip, options, 'Weekend trip'));
  }
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let connection = 'online';
  let me: typeof ME | null = options.signedOut || options.starting ? null : ME;
  const emit = (event: string, payload: unknown) => {
    for (const fn of handlers.get(event) ?? []) fn(payload);
  };
  const signIn = async () => {
    if (options.failWith) return failure(options.failWith);
    me = ME;
    return ME;
  };
  const client = {
    get me() {
      return me;
    },
    get connection() {
      return connection;
    },
    on(event: string, fn: (payload: unknown) => void) {
      const set = handlers.get(event) ?? new Set();
      set.add(fn);
      handlers.set(event, set);
      return () => set.delete(fn);
    },
    resume: () => (options.starting ? new Promise<boolean>(() => {}) : Promise.resolve(!!me)),
    login: signIn,
    register: signIn,
    logout: async () => {
      me = null;
    },
    presenceOf: (userId: string) => ({
      userId,
      state: userId === 'u-bo' ? 'online' : 'away',
      lastSeenAt: null,
    }),
    conversations: {
      list: async () => conversations,
      get: async (id: string) => conversations.find((c) => c.id === id) ?? failure('not_found'),
    },
    users: {
      get: async (id: string) => [ME, ...PEOPLE].find((p) => p.id === id)!,
      search: async (prefix: string) =>
        options.failWith
          ? failure(options.failWith)
          : PEOPLE.filter((p) => p.username.startsWith(prefix)),
    },
    safetyNumber: async () => '305178941206625134897701549328811403267594380015762293048176',
  };
  if (options.offline) {
    setTimeout(() => {
      connection = 'offline';
      emit('connection', 'offline');
    }, 50);
  }
  if (options.identityChange) {
    setTimeout(
      () =>
        emit('identity-changed', {
          userId: PEOPLE[0]!.id,
          username: PEOPLE[0]!.username,
          previousKey: 'AAAA',
          newKey: 'BBBB',
          previouslyVerified: true,
          source: 'directory',
        }),
      50,
    );
  }
  return client as unknown as ChatClient;
}

/** A `ChatStore` over a {@link demoClient}. */
export function demoStore(options: DemoOptions = {}): ChatStore {
  return new ChatStore(demoClient(options));
}
