import type {
  ClientToServerEvents,
  ConversationSummary,
  MembershipOpName,
  SendAck,
  ServerToClientEvents,
  SyncAck,
  SyncRequest,
  WireMessageData,
} from '@parley/sdk/protocol';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { TestServer } from '../../test/helpers.js';
import { registerAccount, withToken } from '../auth/test-fixtures.js';
import type { TestAccount } from '../auth/test-fixtures.js';

/**
 * Test users, conversations, epochs and messages built through the real REST API and real
 * Socket.io clients. Keys, signatures and ciphertexts are random bytes of the right sizes: the
 * server never verifies signatures or decrypts, it only checks shapes and plaintext metadata,
 * so random bytes exercise it fully (the SDK's end-to-end tests use real cryptography).
 */

/** Server options that lift the auth and API rate limits for tests creating many users. */
export const RELAXED_LIMITS = {
  rateLimits: {
    registerIp: { points: 10_000, durationSec: 3600 },
    registerUser: { points: 10_000, durationSec: 3600 },
    loginIp: { points: 10_000, durationSec: 60 },
  },
  conversations: { api: { points: 100_000, durationSec: 60 } },
  realtime: {
    send: { points: 100_000, durationSec: 10 },
    sync: { points: 100_000, durationSec: 10 },
    drainMs: 0,
  },
};

export { b64u, epochRequest, membershipEntry as entry } from '../../test/wire-builders.js';
import { b64u, epochRequest, membershipEntry as entry } from '../../test/wire-builders.js';

/** A registered user with a live session. */
export interface ChatUser {
  id: string;
  username: string;
  token: string;
  sessionId: string;
  refreshToken: string;
  /** Identity public key, base64url. */
  ik: string;
  /** Their first key-agreement key id, base64url. */
  kaId: string;
  account: TestAccount;
}

/** A typed Socket.io client. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Registers a fresh user. */
export async function newUser(t: TestServer, username?: string): Promise<ChatUser> {
  const { account, auth } = await registerAccount(t, username);
  return {
    id: auth.user.id,
    username: auth.user.username,
    token: auth.accessToken,
    sessionId: auth.sessionId,
    refreshToken: auth.refreshToken,
    ik: account.request.identityKey,
    kaId: account.request.keyAgreementKey.kaId,
    account,
  };
}

/** Calls the API as `user`: `GET` without a body, `method` with one. */
export function call(t: TestServer, user: ChatUser, path: string, method = 'GET', body?: unknown) {
  return t.fetch(`/api/v1${path}`, withToken(user.token, method, body));
}

/** Calls the API and returns the JSON body, expecting `status`. */
export async function callOk<T>(
  t: TestServer,
  user: ChatUser,
  path: string,
  status = 200,
  method = 'GET',
  body?: unknown,
): Promise<T> {
  const res = await call(t, user, path, method, body);
  const json = (await res.json()) as T;
  expect(res.status, JSON.stringify(json)).toBe(status);
  return json;
}

/** A conversation's state as tests track it. */
export interface TestConversation {
  id: string;
  /** Membership-log head. */
  memberSeq: number;
  epochId: string | null;
}

/** Creates a group with `owner` as admin and `members` added. */
export async function createGroup(
  t: TestServer,
  owner: ChatUser,
  members: readonly ChatUser[],
  title = 'A group',
): Promise<TestConversation> {
  const id = b64u(16);
  const entries = [entry(id, 0, 'create', owner, owner)];
  members.forEach((m, i) => entries.push(entry(id, i + 1, 'add', owner, m)));
  const summary = await callOk<ConversationSummary>(t, owner, '/conversations', 201, 'POST', {
    kind: 'group',
    title,
    entries,
  });
  return { id: summary.id, memberSeq: summary.memberLogSeq, epochId: null };
}

/** Creates the direct conversation of `a` and `b`. */
export async function createDirect(
  t: TestServer,
  a: ChatUser,
  b: ChatUser,
): Promise<TestConversation> {
  const id = b64u(16);
  const entries = [entry(id, 0, 'create', a, a), entry(id, 1, 'add', a, b)];
  const summary = await callOk<ConversationSummary>(t, a, '/conversations', 201, 'POST', {
    kind: 'direct',
    entries,
  });
  return { id: summary.id, memberSeq: summary.memberLogSeq, epochId: null };
}

/** Appends a membership entry (expects 201) and advances the tracked head. */
export async function changeMembers(
  t: TestServer,
  actor: ChatUser,
  conv: TestConversation,
  op: MembershipOpName,
  target: ChatUser,
): Promise<void> {
  const body = entry(conv.id, conv.memberSeq + 1, op, actor, target);
  await callOk(t, actor, `/conversations/${conv.id}/members`, 201, 'POST', body);
  conv.memberSeq++;
}

/** Starts a new epoch for the current members (expects 201) and tracks it. */
export async function startEpoch(
  t: TestServer,
  creator: ChatUser,
  conv: TestConversation,
  members: readonly ChatUser[],
): Promise<string> {
  const body = epochRequest(conv, creator, members);
  await callOk(t, creator, `/conversations/${conv.id}/epochs`, 201, 'POST', body);
  conv.epochId = body.epoch.record.epochId;
  return conv.epochId;
}

/** A message with random ciphertext in the conversation's current epoch. */
export function wire(conv: TestConversation, sender: ChatUser, boxBytes = 64): WireMessageData {
  return {
    header: {
      v: 1,
      suite: 'cs1',
      conv: conv.id,
      epochId: conv.epochId ?? b64u(16),
      msgId: b64u(16),
      sender: sender.id,
      ts: Date.now(),
      ctype: 'text',
    },
    box: b64u(boxBytes),
    sig: b64u(64),
  };
}

/** Connects a Socket.io client as `user` (websocket only, no automatic reconnection). */
export function connect(
  t: TestServer,
  user: ChatUser | { token: unknown },
  options: { extraHeaders?: Record<string, string>; transports?: string[] } = {},
): ChatSocket {
  return io(t.url, {
    auth: { token: user.token },
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  });
}

/** Resolves once connected; rejects with the `connect_error`. */
export function connected(socket: ChatSocket): Promise<ChatSocket> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Connects and waits. */
export function online(t: TestServer, user: ChatUser): Promise<ChatSocket> {
  return connected(connect(t, user));
}

/** Sends a message and returns the acknowledgement. */
export function send(
  socket: ChatSocket,
  conv: TestConversation,
  sender: ChatUser,
  clientMsgId: string = b64u(12),
): Promise<SendAck> {
  return socket
    .timeout(10_000)
    .emitWithAck('send', { conversationId: conv.id, clientMsgId, message: wire(conv, sender) });
}

/** Runs a `sync` and returns the acknowledgement. */
export function sync(socket: ChatSocket, request: SyncRequest): Promise<SyncAck> {
  return socket.timeout(10_000).emitWithAck('sync', request);
}

/** Resolves when `predicate` holds, polling every 10 ms (up to `timeoutMs`). */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
