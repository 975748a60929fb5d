import { describe, expect, it } from 'vitest';
import type { Attachment } from '../files/attachment.js';
import type { Message } from '../types.js';
import { INDEX_FORMAT, SearchIndex } from './search-index.js';
import { TOKENIZER_VERSION } from './tokenizer.js';

let nextSeq = 1;

function msg(text: string, patch: Partial<Message> = {}): Message {
  const seq = nextSeq++;
  return {
    id: `m${seq}`,
    clientMsgId: null,
    conversationId: 'conv-a',
    sender: 'alice',
    text,
    attachments: [],
    ts: 1_000 + seq,
    seq,
    status: 'sent',
    ...patch,
  };
}

function indexOf(...messages: Message[]): SearchIndex {
  const index = SearchIndex.create();
  for (const m of messages) index.put(m);
  return index;
}

const texts = (index: SearchIndex, query: string, options = {}) =>
  index.search(query, options).map((r) => r.text);

describe('SearchIndex', () => {
  it('finds a message by a word and reports where it is', () => {
    const m = msg('Dinner on Friday at Luigi', { conversationId: 'c1', sender: 'bob' });
    const [hit] = indexOf(msg('lunch on Monday'), m).search('friday');
    expect(hit).toMatchObject({
      conversationId: 'c1',
      messageId: m.id,
      seq: m.seq,
      sender: 'bob',
      ts: m.ts,
      text: m.text,
      snippet: m.text,
    });
    expect(hit!.highlights).toEqual([[10, 16]]);
    expect(hit!.score).toBeGreaterThan(0);
  });

  it('needs every word of the query', () => {
    const index = indexOf(msg('dinner on friday'), msg('dinner on saturday'));
    expect(texts(index, 'dinner friday')).toEqual(['dinner on friday']);
  });

  it('matches the start of a word, for search as you type', () => {
    const index = indexOf(msg('see you tomorrow'), msg('tom is here'), msg('to do'));
    expect(texts(index, 'tomo')).toEqual(['see you tomorrow']);
    expect(texts(index, 'tom').sort()).toEqual(['see you tomorrow', 'tom is here']);
    // Two letters match whole words only: as a prefix they would match too much.
    expect(texts(index, 'to')).toEqual(['to do']);
  });

  it('forgives a typo in longer words but not in short ones', () => {
    const index = indexOf(msg('the restaurant was great'), msg('a cat'));
    expect(texts(index, 'restaraunt')).toEqual(['the restaurant was great']);
    expect(texts(index, 'cut')).toEqual([]);
  });

  it('ignores case and accents', () => {
    const index = indexOf(msg('Rendez-vous au CAFÉ'));
    expect(texts(index, 'cafe')).toHaveLength(1);
    expect(texts(index, 'Café')).toHaveLength(1);
  });

  it('searches Cyrillic text, with prefixes', () => {
    const index = indexOf(msg('Встречаемся завтра в кафе'), msg('Привет, как дела?'));
    expect(texts(index, 'завтра')).toEqual(['Встречаемся завтра в кафе']);
    expect(texts(index, 'встреч')).toEqual(['Встречаемся завтра в кафе']);
    expect(texts(index, 'ПРИВЕТ')).toEqual(['Привет, как дела?']);
  });

  it('searches Chinese and Japanese text without spaces', () => {
    const index = indexOf(
      msg('我们明天在北京见面'),
      msg('東京タワーに行きました'),
      msg('南京很好'),
    );
    expect(texts(index, '北京')).toEqual(['我们明天在北京见面']);
    expect(texts(index, '京')).toHaveLength(3);
    expect(texts(index, '東京タワー')).toEqual(['東京タワーに行きました']);
    expect(texts(index, 'タワ')).toEqual(['東京タワーに行きました']);
    expect(texts(index, '北京大学')).toEqual([]);
    const [hit] = index.search('北京');
    expect(hit!.snippet.slice(hit!.highlights[0]![0], hit!.highlights[0]![1])).toBe('北京');
  });

  it('finds a message by the name of its attachment', () => {
    const file = { name: 'quarterly-report.pdf' } as Attachment;
    const index = indexOf(msg('', { attachments: [file] }));
    const [hit] = index.search('quarterly');
    expect(hit!.snippet).toBe('quarterly-report.pdf');
  });

  it('ranks the better match first, the newer first among equals', () => {
    const old = msg('pizza', { ts: 1 });
    const recent = msg('pizza', { ts: 2 });
    const weak = msg('we could get pizza or pasta or sushi or tacos tonight', { ts: 3 });
    const index = indexOf(old, weak, recent);
    expect(index.search('pizza').map((r) => r.messageId)).toEqual([recent.id, old.id, weak.id]);
    expect(index.search('pizza', { sort: 'recent' }).map((r) => r.messageId)).toEqual([
      weak.id,
      recent.id,
      old.id,
    ]);
  });

  it('limits the results', () => {
    const index = indexOf(...Array.from({ length: 30 }, (_, i) => msg(`note ${i}`)));
    expect(index.search('note')).toHaveLength(20);
    expect(index.search('note', { limit: 5 })).toHaveLength(5);
  });

  it('filters by conversation and sender', () => {
    const index = indexOf(
      msg('hello a', { conversationId: 'c1', sender: 'alice' }),
      msg('hello b', { conversationId: 'c1', sender: 'bob' }),
      msg('hello c', { conversationId: 'c2', sender: 'bob' }),
    );
    expect(texts(index, 'hello', { conversationId: 'c1' }).sort()).toEqual(['hello a', 'hello b']);
    expect(texts(index, 'hello', { sender: 'bob' }).sort()).toEqual(['hello b', 'hello c']);
    expect(texts(index, 'hello', { conversationId: 'c2', sender: 'alice' })).toEqual([]);
    const visible = (id: string) => id !== 'c1';
    expect(index.search('hello', {}, visible).map((r) => r.text)).toEqual(['hello c']);
  });

  it('does not index undecryptable, unsent or empty messages', () => {
    const index = indexOf(
      msg('', { status: 'undecryptable', reason: 'no_envelope_for_user' }),
      msg('secret pending', { status: 'pending', seq: null }),
      msg('   '),
    );
    expect(index.size).toBe(0);
  });

  it('replaces the text of an edited message and drops a deleted one', () => {
    const original = msg('meet at noon');
    const index = indexOf(original);
    expect(index.put({ ...original, text: 'meet at six' })).toBe(true);
    expect(texts(index, 'noon')).toEqual([]);
    expect(texts(index, 'six')).toEqual(['meet at six']);
    expect(index.put({ ...original, text: 'meet at six' })).toBe(false);
    index.put({ ...original, text: '' });
    expect(index.size).toBe(0);
    expect(texts(index, 'meet')).toEqual([]);
  });

  it('removes every message of a conversation', () => {
    const index = indexOf(
      msg('shared word', { conversationId: 'left' }),
      msg('shared word again', { conversationId: 'left' }),
      msg('shared word', { conversationId: 'kept' }),
    );
    expect(index.removeConversation('left')).toBe(true);
    expect(index.search('shared').map((r) => r.conversationId)).toEqual(['kept']);
    expect(index.conversations()).toEqual(['kept']);
    expect(index.removeConversation('left')).toBe(false);
  });

  it('keeps messages with the same id in different conversations apart', () => {
    const index = indexOf(
      msg('first copy', { id: 'same', conversationId: 'c1' }),
      msg('second copy', { id: 'same', conversationId: 'c2' }),
    );
    expect(index.size).toBe(2);
    index.removeConversation('c1');
    expect(texts(index, 'copy')).toEqual(['second copy']);
  });

  it('survives serialization, conversations and all', () => {
    const index = indexOf(
      msg('alpha beta', { conversationId: 'c1' }),
      msg('gamma', { conversationId: 'c2' }),
    );
    const restored = SearchIndex.restore(JSON.parse(JSON.stringify(index.serialize())));
    expect(restored).not.toBeNull();
    expect(texts(restored!, 'beta')).toEqual(['alpha beta']);
    restored!.removeConversation('c1');
    expect(texts(restored!, 'alpha')).toEqual([]);
    expect(restored!.size).toBe(1);
  });

  it('refuses a persisted index of another version or a damaged one', () => {
    const good = indexOf(msg('x')).serialize();
    expect(SearchIndex.restore({ ...good, v: INDEX_FORMAT + 1 })).toBeNull();
    expect(SearchIndex.restore({ ...good, tokenizer: TOKENIZER_VERSION + 1 })).toBeNull();
    expect(SearchIndex.restore({ ...good, index: { ...good.index, index: 42 } })).toBeNull();
    expect(
      SearchIndex.restore({ ...good, index: { documentIds: {}, storedFields: {} } }),
    ).toBeNull();
    expect(SearchIndex.restore('garbage')).toBeNull();
    expect(SearchIndex.restore(null)).toBeNull();
  });
});
