import type {
  ConversationList,
  ConversationSummary,
  EnvelopeList,
  EpochList,
  LogEvent,
  MemberEntryList,
} from '@parley/sdk/protocol';
import { conversationSummary, envelopeList, epochEvent, memberEvent } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { errorOf } from '../auth/test-fixtures.js';
import {
  RELAXED_LIMITS,
  b64u,
  call,
  callOk,
  changeMembers,
  createDirect,
  createGroup,
  entry,
  epochRequest,
  newUser,
  startEpoch,
} from './test-fixtures.js';
import type { ChatUser } from './test-fixtures.js';

let t: TestServer;
let alice: ChatUser;
let bob: ChatUser;
let carol: ChatUser;
let dave: ChatUser;

beforeAll(async () => {
  t = await startTestServer(RELAXED_LIMITS);
  [alice, bob, carol, dave] = (await Promise.all([1, 2, 3, 4].map(() => newUser(t)))) as [
    ChatUser,
    ChatUser,
    ChatUser,
    ChatUser,
  ];
});
afterAll(async () => {
  await t.close();
});

async function status(res: Response): Promise<[number, string]> {
  return [res.status, res.status >= 400 ? (await errorOf(res)).code : ''];
}

describe('creating conversations', () => {
  it('creates a group whose first entries are the start of its log', async () => {
    const conv = await createGroup(t, alice, [bob, carol], 'Planning');
    const summary = conversationSummary.parse(await callOk(t, bob, `/conversations/${conv.id}`));
    expect(summary).toMatchObject({
      kind: 'group',
      title: 'Planning',
      createdBy: alice.id,
      lastSeq: 3,
    });
    expect(summary.memberLogSeq).toBe(2);
    expect(summary.currentEpoch).toBeNull();
    expect(summary.members).toEqual(
      expect.arrayContaining([
        { userId: alice.id, admin: true },
        { userId: bob.id, admin: false },
        { userId: carol.id, admin: false },
      ]),
    );
  });

  it('keeps one direct conversation per pair, in either direction, and finds it', async () => {
    const [x, y] = [await newUser(t), await newUser(t)];
    const conv = await createDirect(t, x, y);
    for (const [from, to] of [
      [x, y],
      [y, x],
    ] as const) {
      const id = b64u(16);
      const res = await call(t, from, '/conversations', 'POST', {
        kind: 'direct',
        entries: [entry(id, 0, 'create', from, from), entry(id, 1, 'add', from, to)],
      });
      expect(res.status).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('conflict');
      expect(error.message).toContain(conv.id);
    }
    const found = await callOk<ConversationSummary>(t, y, `/conversations/direct/${x.id}`);
    expect(found).toMatchObject({ id: conv.id, kind: 'direct', title: null });
    expect(await status(await call(t, carol, `/conversations/direct/${x.id}`))).toEqual([
      404,
      'not_found',
    ]);
  });

  it('refuses a direct conversation with a title, a third member or oneself', async () => {
    const id = b64u(16);
    const base = [entry(id, 0, 'create', alice, alice), entry(id, 1, 'add', alice, dave)];
    const bodies = [
      { kind: 'direct', title: 'x', entries: base },
      { kind: 'direct', entries: [...base, entry(id, 2, 'add', alice, carol)] },
      { kind: 'direct', entries: [base[0], entry(id, 1, 'add', alice, alice)] },
    ];
    for (const body of bodies) {
      expect(await status(await call(t, alice, '/conversations', 'POST', body))).toEqual([
        400,
        'invalid_input',
      ]);
    }
  });

  it('refuses entries signed by someone else, unknown members, wrong keys and a taken id', async () => {
    const id = b64u(16);
    const post = (entries: unknown[]) =>
      call(t, alice, '/conversations', 'POST', { kind: 'group', entries });
    const create = entry(id, 0, 'create', alice, alice);
    expect(await status(await post([entry(id, 0, 'create', bob, bob)]))).toEqual([
      403,
      'forbidden',
    ]);
    const ghost = { ...bob, id: b64u(16) };
    expect(await status(await post([create, entry(id, 1, 'add', alice, ghost)]))).toEqual([
      404,
      'not_found',
    ]);
    const wrongKey = entry(id, 1, 'add', alice, bob, { targetIk: b64u(32) });
    expect(await status(await post([create, wrongKey]))).toEqual([400, 'invalid_input']);
    expect(await status(await post([create, entry(id, 2, 'add', alice, bob)]))).toEqual([
      409,
      'conflict',
    ]);
    const taken = await createGroup(t, alice, []);
    const again = [entry(taken.id, 0, 'create', alice, alice)];
    expect(await status(await post(again))).toEqual([409, 'conflict']);
  });

  it("lists the caller's conversations, most recently active first, and nobody else's", async () => {
    const loner = await newUser(t);
    const first = await createGroup(t, loner, [], 'first');
    const second = await createGroup(t, loner, [], 'second');
    await startEpoch(t, loner, first, [loner]);
    const list = await callOk<ConversationList>(t, loner, '/conversations');
    expect(list.conversations.map((c) => c.id)).toEqual([first.id, second.id]);
    expect(list.conversations[0]?.currentEpoch).toEqual({
      epochId: first.epochId,
      messageCount: 0,
    });
    const others = await callOk<ConversationList>(t, dave, '/conversations');
    expect(others.conversations.map((c) => c.id)).not.toContain(first.id);
  });

  it('writes membership changes to the audit log without key material', async () => {
    const conv = await createGroup(t, alice, [bob]);
    await changeMembers(t, alice, conv, 'add', dave);
    const created = t.audit.find(
      (e) => e.event === 'conversation.created' && e.conversationId === conv.id,
    );
    const added = t.audit.find((e) => e.event === 'membership.add' && e.conversationId === conv.id);
    expect(created).toMatchObject({ userId: alice.id, kind: 'group', members: 2 });
    expect(added).toMatchObject({ userId: alice.id, target: dave.id });
    expect(JSON.stringify(t.audit)).not.toContain(dave.ik);
  });
});

describe('the membership log', () => {
  it('appends by compare-and-set: of two entries for the same seq exactly one wins', async () => {
    const conv = await createGroup(t, alice, [bob]);
    const [r1, r2] = await Promise.all([
      call(
        t,
        alice,
        `/conversations/${conv.id}/members`,
        'POST',
        entry(conv.id, 2, 'add', alice, carol),
      ),
      call(
        t,
        alice,
        `/conversations/${conv.id}/members`,
        'POST',
        entry(conv.id, 2, 'add', alice, dave),
      ),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([201, 409]);
    const winner = r1.status === 201 ? r1 : r2;
    const event = memberEvent.parse(await winner.json());
    expect(event).toMatchObject({
      conversationId: conv.id,
      seq: 3,
      kind: 'member',
      sender: alice.id,
    });
    const log = await callOk<MemberEntryList>(t, bob, `/conversations/${conv.id}/members`);
    expect(log.entries.map((e) => [e.entry.seq, e.entry.op, e.logSeq])).toEqual([
      [0, 'create', 1],
      [1, 'add', 2],
      [2, 'add', 3],
    ]);
    const tail = await callOk<MemberEntryList>(t, bob, `/conversations/${conv.id}/members?after=1`);
    expect(tail.entries.map((e) => e.entry.seq)).toEqual([2]);
    expect(tail.hasMore).toBe(false);
  });

  it('lets only admins add, remove, promote and demote, and anyone leave', async () => {
    const conv = await createGroup(t, alice, [bob, carol]);
    const post = (user: ChatUser, body: unknown) =>
      call(t, user, `/conversations/${conv.id}/members`, 'POST', body);
    expect(await status(await post(bob, entry(conv.id, 3, 'add', bob, dave)))).toEqual([
      403,
      'forbidden',
    ]);
    expect(await status(await post(bob, entry(conv.id, 3, 'remove', bob, carol)))).toEqual([
      403,
      'forbidden',
    ]);
    expect(await status(await post(bob, entry(conv.id, 3, 'promote', bob, bob)))).toEqual([
      403,
      'forbidden',
    ]);
    await changeMembers(t, alice, conv, 'promote', bob);
    await changeMembers(t, bob, conv, 'add', dave);
    await changeMembers(t, carol, conv, 'leave', carol);
    expect(await status(await call(t, carol, `/conversations/${conv.id}`))).toEqual([
      404,
      'not_found',
    ]);
    const summary = await callOk<ConversationSummary>(t, dave, `/conversations/${conv.id}`);
    expect(summary.members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id, dave.id].sort());
  });

  it('keeps a direct conversation to its two users', async () => {
    const [x, y] = [await newUser(t), await newUser(t)];
    const conv = await createDirect(t, x, y);
    const add = entry(conv.id, 2, 'add', x, carol);
    expect(
      await status(await call(t, x, `/conversations/${conv.id}/members`, 'POST', add)),
    ).toEqual([403, 'forbidden']);
    await changeMembers(t, y, conv, 'leave', y);
    await changeMembers(t, x, conv, 'add', y);
  });
});

describe('epochs and envelopes', () => {
  it('stores an epoch by compare-and-set on the previous epoch: two concurrent rotations, one wins', async () => {
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const first = epochRequest(conv, alice, [alice, bob]);
    const second = epochRequest(conv, bob, [alice, bob]);
    const [r1, r2] = await Promise.all([
      call(t, alice, `/conversations/${conv.id}/epochs`, 'POST', first),
      call(t, bob, `/conversations/${conv.id}/epochs`, 'POST', second),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([201, 409]);
    const winner = epochEvent.parse(await (r1.status === 201 ? r1 : r2).json());
    const epochs = await callOk<EpochList>(t, bob, `/conversations/${conv.id}/epochs`);
    expect(epochs.epochs.map((e) => e.record.epochId)).toEqual([
      conv.epochId,
      winner.epoch.record.epochId,
    ]);
    expect(epochs.epochs.map((e) => e.record.prevEpochId)).toEqual([null, conv.epochId]);
    const summary = await callOk<ConversationSummary>(t, alice, `/conversations/${conv.id}`);
    expect(summary.currentEpoch?.epochId).toBe(winner.epoch.record.epochId);
  });

  it('refuses an epoch sealed to an outdated member set with 409', async () => {
    const conv = await createGroup(t, alice, [bob]);
    const stale = epochRequest(conv, alice, [alice, bob]);
    await changeMembers(t, alice, conv, 'add', carol);
    const res = await call(t, alice, `/conversations/${conv.id}/epochs`, 'POST', stale);
    expect(await status(res)).toEqual([409, 'conflict']);
  });

  it('refuses records and envelopes a recipient would reject', async () => {
    const conv = await createGroup(t, alice, [bob]);
    const post = (user: ChatUser, body: unknown) =>
      call(t, user, `/conversations/${conv.id}/epochs`, 'POST', body);
    const missingMember = epochRequest(conv, alice, [alice]);
    expect(await status(await post(alice, missingMember))).toEqual([400, 'invalid_input']);
    const swapped = epochRequest(conv, alice, [alice, bob]);
    swapped.envelopes[0] = { ...swapped.envelopes[0]!, ct: b64u(48) };
    expect(await status(await post(alice, swapped))).toEqual([400, 'invalid_input']);
    const unknownKey = epochRequest(conv, alice, [alice, { ...bob, kaId: b64u(16) }]);
    expect(await status(await post(alice, unknownKey))).toEqual([400, 'invalid_input']);
    const byOther = epochRequest(conv, bob, [alice, bob]);
    expect(await status(await post(alice, byOther))).toEqual([403, 'forbidden']);
    const unchained = epochRequest(conv, alice, [alice, bob]);
    unchained.expectedPrevEpochId = b64u(16);
    expect(await status(await post(alice, unchained))).toEqual([400, 'invalid_input']);
  });

  it('gives each member only their own envelopes', async () => {
    const conv = await createGroup(t, alice, [bob]);
    const body = epochRequest(conv, alice, [alice, bob]);
    await callOk(t, alice, `/conversations/${conv.id}/epochs`, 201, 'POST', body);
    const epochId = body.epoch.record.epochId;
    for (const user of [alice, bob]) {
      const list = envelopeList.parse(
        await callOk<EnvelopeList>(t, user, `/conversations/${conv.id}/envelopes`),
      );
      const own = body.envelopes.find((e) => e.user === user.id);
      expect(list.envelopes).toEqual([{ ...own, epochId }]);
    }
    const one = await callOk<EnvelopeList>(
      t,
      bob,
      `/conversations/${conv.id}/envelopes?epochId=${epochId}`,
    );
    expect(one.envelopes).toHaveLength(1);
    const none = await callOk<EnvelopeList>(
      t,
      bob,
      `/conversations/${conv.id}/envelopes?epochId=${b64u(16)}`,
    );
    expect(none.envelopes).toEqual([]);
  });
});

describe('history', () => {
  it('pages the log both ways with hasMore', async () => {
    const conv = await createGroup(t, alice, [bob, carol, dave]);
    await startEpoch(t, alice, conv, [alice, bob, carol, dave]);
    type Page = { events: LogEvent[]; hasMore: boolean };
    const page = async (query: string) => {
      const p = await callOk<Page>(t, bob, `/conversations/${conv.id}/events${query}`);
      return [p.events.map((e) => e.seq), p.hasMore];
    };
    expect(await page('')).toEqual([[1, 2, 3, 4, 5], false]);
    expect(await page('?limit=2')).toEqual([[4, 5], true]);
    expect(await page('?before=4&limit=2')).toEqual([[2, 3], true]);
    expect(await page('?before=3&limit=2')).toEqual([[1, 2], false]);
    expect(await page('?after=2&limit=2')).toEqual([[3, 4], true]);
    expect(await page('?after=4&limit=2')).toEqual([[5], false]);
    expect(await status(await call(t, bob, `/conversations/${conv.id}/events?limit=0`))).toEqual([
      400,
      'invalid_input',
    ]);
  });
});

describe('key directory', () => {
  it('finds users by username prefix, case-insensitively, with public fields only', async () => {
    const prefix = `dir${b64u(3)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const users = await Promise.all(['a', 'b', 'c'].map((s) => newUser(t, `${prefix}${s}`)));
    const found = await callOk<{ users: Record<string, unknown>[] }>(
      t,
      alice,
      `/users?prefix=${prefix.toUpperCase()}&limit=2`,
    );
    expect(found.users).toEqual(
      users.slice(0, 2).map((u) => ({ id: u.id, username: u.username, displayName: 'Test User' })),
    );
    const byName = await callOk(t, alice, `/users/by-username/${users[2]!.username.toUpperCase()}`);
    expect(byName).toEqual({
      id: users[2]!.id,
      username: users[2]!.username,
      displayName: 'Test User',
    });
    expect(await status(await call(t, alice, '/users/by-username/nobody-here'))).toEqual([
      404,
      'not_found',
    ]);
    expect(await callOk(t, alice, `/users/${users[2]!.id}`)).toEqual(byName);
    expect(await status(await call(t, alice, `/users/${'A'.repeat(22)}`))).toEqual([
      404,
      'not_found',
    ]);
    expect(await status(await call(t, alice, '/users/not-an-id'))).toEqual([400, 'invalid_input']);
    expect((await t.fetch(`/api/v1/users?prefix=${prefix}`)).status).toBe(401);
  });

  it("serves a user's identity key and signed key-agreement keys, and publishes rotated ones", async () => {
    const user = await newUser(t);
    const keys = await callOk<{ identityKey: string; keyAgreementKeys: { kaId: string }[] }>(
      t,
      alice,
      `/users/${user.id}/keys`,
    );
    expect(keys.identityKey).toBe(user.ik);
    expect(keys.keyAgreementKeys.map((k) => k.kaId)).toEqual([user.kaId]);
    const next = {
      kaId: b64u(16),
      pub: b64u(32),
      notBefore: 1_800_000_000_000,
      notAfter: 1_802_592_000_000,
      sig: b64u(64),
    };
    await callOk(t, user, '/me/keys/ka', 201, 'POST', next);
    const after = await callOk<{ keyAgreementKeys: { kaId: string }[] }>(
      t,
      bob,
      `/users/${user.id}/keys`,
    );
    expect(after.keyAgreementKeys.map((k) => k.kaId)).toEqual([user.kaId, next.kaId]);
    expect(await status(await call(t, user, '/me/keys/ka', 'POST', next))).toEqual([
      409,
      'conflict',
    ]);
    const backwards = { ...next, kaId: b64u(16), notAfter: next.notBefore - 1 };
    expect(await status(await call(t, user, '/me/keys/ka', 'POST', backwards))).toEqual([
      400,
      'invalid_input',
    ]);
    const nonCanonical = { ...next, kaId: `${b64u(16).slice(0, 21)}B` };
    expect(await status(await call(t, user, '/me/keys/ka', 'POST', nonCanonical))).toEqual([
      400,
      'invalid_input',
    ]);
    expect(t.audit.some((e) => e.event === 'keys.ka_published' && e.userId === user.id)).toBe(true);
  });

  it('answers unknown users with 404', async () => {
    expect(await status(await call(t, alice, `/users/${b64u(16)}/keys`))).toEqual([
      404,
      'not_found',
    ]);
  });
});

describe('the API document', () => {
  it('describes every conversation, directory and history route', async () => {
    const doc = (await (await t.fetch('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const expected: Array<[string, string]> = [
      ['/api/v1/users', 'get'],
      ['/api/v1/users/by-username/{username}', 'get'],
      ['/api/v1/users/{id}', 'get'],
      ['/api/v1/users/{id}/keys', 'get'],
      ['/api/v1/me/keys/ka', 'post'],
      ['/api/v1/conversations', 'post'],
      ['/api/v1/conversations', 'get'],
      ['/api/v1/conversations/{id}', 'get'],
      ['/api/v1/conversations/direct/{userId}', 'get'],
      ['/api/v1/conversations/{id}/members', 'get'],
      ['/api/v1/conversations/{id}/members', 'post'],
      ['/api/v1/conversations/{id}/epochs', 'get'],
      ['/api/v1/conversations/{id}/epochs', 'post'],
      ['/api/v1/conversations/{id}/envelopes', 'get'],
      ['/api/v1/conversations/{id}/events', 'get'],
    ];
    for (const [path, method] of expected)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });
});

describe('rate limits', () => {
  it('limits API calls per user with 429 and Retry-After', async () => {
    const limited = await startTestServer({
      ...RELAXED_LIMITS,
      conversations: { api: { points: 3, durationSec: 60 } },
    });
    try {
      const user = await newUser(limited);
      const other = await newUser(limited);
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await call(limited, user, '/conversations')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const res = await call(limited, user, '/conversations');
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await call(limited, other, '/conversations')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
