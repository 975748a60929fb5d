/**
 * Presence, typing and unread counts across two server nodes sharing PostgreSQL and Redis: one
 * user's connections on two nodes make one presence, a stranger on the other node learns
 * nothing, and typing and unread pushes cross nodes.
 */
import type { PresenceInfo, TypingEvent, UnreadEvent } from '@parley/sdk/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  connected,
  createGroup,
  newUser,
  send,
  sleep,
  startEpoch,
  until,
} from '../../src/conversations/test-fixtures.js';
import type { ChatSocket, ChatUser } from '../../src/conversations/test-fixtures.js';
import { clusterServices } from './cluster-nodes.js';
import type { ClusterNode } from './cluster-nodes.js';
import { useClusterNodes } from './use-cluster-nodes.js';

const services = await clusterServices('presence_nodes');

describe.skipIf(!services)('presence on two nodes', () => {
  const { nodes, sockets } = useClusterNodes(services, 2);
  let a: ClusterNode;
  let b: ClusterNode;

  beforeAll(() => {
    [a, b] = nodes as [ClusterNode, ClusterNode];
  });

  async function on<T>(
    node: ClusterNode,
    user: ChatUser,
    event?: 'presence' | 'typing' | 'unread',
  ): Promise<[ChatSocket, T[]]> {
    const socket = connect(node.t, user);
    const seen: T[] = [];
    if (event) socket.on(event, (p: unknown) => seen.push(p as T));
    sockets.push(socket);
    await connected(socket);
    return [socket, seen];
  }

  it('folds tabs on both nodes into one presence and tells no stranger', async () => {
    const [alice, bob, stranger] = [await newUser(a.t), await newUser(a.t), await newUser(b.t)];
    const conv = await createGroup(a.t, alice, [bob]);
    await startEpoch(a.t, alice, conv, [alice, bob]);
    const [, toBob] = await on<PresenceInfo>(b, bob, 'presence');
    const [strangerSocket, toStranger] = await on<PresenceInfo>(b, stranger, 'presence');
    const [tabA] = await on(a, alice);
    await until(() => toBob.some((p) => p.userId === alice.id && p.state === 'online'));
    const [tabB] = await on(b, alice);
    await sleep(200);
    tabA.close();
    await sleep(300);
    expect(toBob.filter((p) => p.userId === alice.id).map((p) => p.state)).toEqual(['online']);
    const asked = await strangerSocket.emitWithAck('presence:query', { userIds: [alice.id] });
    expect(asked).toEqual({ ok: true, presence: [] });
    tabB.close();
    await until(() => toBob.some((p) => p.userId === alice.id && p.state === 'offline'));
    expect(toStranger).toEqual([]);
  });

  it('relays typing and unread counts to members on the other node', async () => {
    const [alice, bob] = [await newUser(a.t), await newUser(a.t)];
    const conv = await createGroup(a.t, alice, [bob]);
    await startEpoch(a.t, alice, conv, [alice, bob]);
    const [, typingSeen] = await on<TypingEvent>(b, bob, 'typing');
    const [, unreadSeen] = await on<UnreadEvent>(b, bob, 'unread');
    const [aliceSocket] = await on(a, alice);
    await aliceSocket.emitWithAck('typing', { conversationId: conv.id, typing: true });
    await until(() => typingSeen.some((e) => e.userId === alice.id && e.typing));
    await send(aliceSocket, conv, alice);
    await until(() => unreadSeen.some((e) => e.conversationId === conv.id && e.count === 1));
  });
});
